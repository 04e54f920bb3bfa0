// One polite live region, present from the first frame, that status messages are spoken through. A
// region inserted together with its text (a `role="status"` element that appears with the message) is
// often never announced: screen readers watch regions that already exist. Errors keep `role="alert"`,
// which is announced on insertion.

class Announcer {
  text = $state("");
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Speaks `text` (again, even when it is the same as the last message). */
  say(text: string): void {
    this.text = "";
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.text = text), 50);
  }
}

export const announcer = new Announcer();
