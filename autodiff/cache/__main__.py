"""python -m autodiff.cache info | clear: show or delete numbayes' compiled code."""
import sys

from autodiff.cache import clear, info, root


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["info"]:
        print("\n".join(info()))
    elif args == ["clear"]:
        removed = clear()
        print("removed " + ", ".join(removed) if removed else f"nothing to remove under {root()}")
    else:
        print("usage: python -m autodiff.cache info | clear", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
