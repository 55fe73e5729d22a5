export class HeadlessDriver {}
