"""Local AWS IoT Jobs service for tests and CI (stdlib only).

Start it with `python3 -m emulator --port 0 --credentials AKID:SECRET`;
see emulator/README.md.
"""
