/** The multiplexers git-parallel drives, in the order `auto` prefers them (the headless driver last). */
export const MULTIPLEXERS = ['zellij', 'tmux', 'none'] as const;
export type Multiplexer = (typeof MULTIPLEXERS)[number];

/** What a driver can do; code outside src/mux/ asks these instead of comparing driver names. */
export interface MuxCapabilities {
  /** No terminal: agents run as background processes and write their output to log files. */
  readonly headless: boolean;
  /** The session starts from a layout file that `up` writes (Zellij's layout.kdl). */
  readonly layoutFile: boolean;
  /** A person can attach a terminal to the session. */
  readonly canAttach: boolean;
  /** Text can be typed into an agent's pane (`parallel send`). */
  readonly canType: boolean;
  /** Panes carry a title the driver sets (`#n agent`). */
  readonly canTitlePane: boolean;
  /** The program that must be on PATH, if any. */
  readonly binary?: string;
}

export const CAPABILITIES: Record<Multiplexer, MuxCapabilities> = {
  zellij: {
    headless: false,
    layoutFile: true,
    canAttach: true,
    canType: true,
    canTitlePane: true,
    binary: 'zellij',
  },
  tmux: {
    headless: false,
    layoutFile: false,
    canAttach: true,
    canType: true,
    canTitlePane: true,
    binary: 'tmux',
  },
  none: { headless: true, layoutFile: false, canAttach: false, canType: false, canTitlePane: false },
};

export const capabilitiesOf = (mux: Multiplexer): MuxCapabilities => CAPABILITIES[mux];

/** The driver that needs no terminal, for a task recorded without a multiplexer. */
export const HEADLESS: Multiplexer = 'none';
