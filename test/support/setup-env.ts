/**
 * Runs in each test worker before its file. The processes the tests start — the built CLI, the
 * `parallel hook` runs around every agent, the fake agent, the zellij double: thousands of node
 * start-ups per run — never open a TLS connection, yet node parses the whole NODE_EXTRA_CA_CERTS
 * bundle at every start (about a quarter of a bare start-up's CPU on a small machine). npm, the
 * one networked program a test runs, reads its own `cafile` setting.
 */
delete process.env.NODE_EXTRA_CA_CERTS;
