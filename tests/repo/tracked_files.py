"""The files git tracks under a repository root, for the repository checks in this folder."""
import subprocess


def tracked_files(root):
    """Every tracked path, relative to `root`, in sorted order."""
    listing = subprocess.run(['git', '-C', root, 'ls-files', '-z'], check=True, capture_output=True).stdout
    return sorted(p for p in listing.decode().split('\0') if p)
