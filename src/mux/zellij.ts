export class ZellijDriver {}
