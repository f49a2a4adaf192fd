"""Run the examples and copy their figures into the docs gallery (docs/gallery/images/).

The docs build never runs the examples: it shows the PNGs committed here. Rerun this script when
an example or its figure changes, and commit the new PNGs:

    python docs/build_gallery.py              # every examples/*.py, full size
    python docs/build_gallery.py --small      # the small sizes the tests use (faster)
    python docs/build_gallery.py fit_hmm      # only some examples

Each example runs in a fresh Python process in a temporary directory (examples that take
``--out DIR`` are given it); every PNG it writes there, or next to itself in examples/, is copied
to docs/gallery/images/<example>.png (<example>-<figure>.png when it writes several), with a
256-colour palette to keep the repository small.
"""
import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
IMAGES = ROOT / "docs" / "gallery" / "images"


def example_names():
    return sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


def run_example(name, small=False):
    """Run one example; return the paths of the PNGs it wrote (in a temporary directory)."""
    source = EXAMPLES / f"{name}.py"
    text = source.read_text()
    out_dir = pathlib.Path(tempfile.mkdtemp(prefix=f"gallery_{name}_"))
    command = [sys.executable, str(source)]
    if "--out" in text:
        command += ["--out", str(out_dir)]
    if small and "--small" in text:
        command.append("--small")
    before = {p: p.stat().st_mtime for p in EXAMPLES.glob("*.png")}
    started = time.time()
    result = subprocess.run(command, cwd=out_dir, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"examples/{name}.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    written = sorted(out_dir.glob("*.png"))
    written += sorted(p for p in EXAMPLES.glob("*.png") if p not in before or p.stat().st_mtime > before[p])
    print(f"{name}: {time.time() - started:.1f} s, figures: {[p.name for p in written] or 'none'}")
    return written


def shrink(path):
    """Rewrite a PNG with a 256-colour palette (plots have few colours): about a third the bytes."""
    from PIL import Image  # Pillow comes with matplotlib, which the examples need anyway

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def copy_figures(name, figures):
    """Copy figures to IMAGES under the example's name; remove this example's stale images."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    for old in list(IMAGES.glob(f"{name}.png")) + list(IMAGES.glob(f"{name}-*.png")):
        old.unlink()
    for path in figures:
        target = IMAGES / (f"{name}.png" if len(figures) == 1 else f"{name}-{path.stem}.png")
        shutil.copyfile(path, target)
        shrink(target)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="examples to run (default: all)")
    parser.add_argument("--small", action="store_true", help="pass --small to the examples that take it")
    args = parser.parse_args(argv)
    names = args.names or example_names()
    unknown = sorted(set(names) - set(example_names()))
    if unknown:
        parser.error(f"no such example(s): {', '.join(unknown)}; choose from {', '.join(example_names())}")
    for name in names:
        copy_figures(name, run_example(name, small=args.small))


if __name__ == "__main__":
    main()
