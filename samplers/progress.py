"""A live progress bar (tqdm) over all chains' iterations, with draws/s and divergences so far."""


class _Bar:
    def __init__(self, total, desc):
        from tqdm.auto import tqdm
        self.tqdm = tqdm(total=total, desc=desc, unit="it", dynamic_ncols=True, smoothing=0.1)

    def update(self, n, divergences):
        self.tqdm.set_postfix_str(f"divergences={divergences}", refresh=False)
        self.tqdm.update(n)

    def close(self):
        self.tqdm.close()


def progress_bar(total, desc, enabled):
    """A bar with update(n_new_iterations, divergences_so_far) and close(), or None when disabled."""
    return _Bar(total, desc) if enabled else None
