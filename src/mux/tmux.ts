export class TmuxDriver {}
