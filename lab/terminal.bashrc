# The start-up file of a JupyterLab terminal in this tutorial (see jupyter_server_config.py beside it).
# Your own ~/.bashrc first (your prompt, your aliases), then the tutorial's Python first on PATH.
if [ -r "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
fi
PATH="$TUTORIAL_BIN:$PATH"
mkdir -p "$TUTORIAL_WORKSPACE" && cd "$TUTORIAL_WORKSPACE"
