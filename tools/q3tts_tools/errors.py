"""One error type for the tools, so every CLI can end with a one-line message instead of a traceback."""


class ToolError(Exception):
    """A user-facing failure: bad input, missing file, unsupported request."""


def run_cli(main):
    """Runs `main()` and turns a ToolError into `error: ...` on stderr with exit code 2."""
    import sys

    try:
        rc = main()
    except ToolError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(rc or 0)
