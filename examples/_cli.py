"""The command line every example shares: --small (the size the smoke tests run) and --out (where
the figure goes)."""
import argparse


def run_example(main, doc, small_help="a small data set (for the smoke test)"):
    """Parse the command line and call main(small, out_dir); doc's first line is the description."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--small", action="store_true", help=small_help)
    parser.add_argument("--out", default=".", help="directory for the figure")
    args = parser.parse_args()
    return main(args.small, args.out)
