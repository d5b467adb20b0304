# Drives a program through a pseudo-terminal: waits for PROMPT, types each chunk of keys (given as
# Python string literals), and at the end prints the screen text, the exit status and whether the
# terminal's settings after the run equal those before it. Every wait is bounded.
import ast, os, pty, select, sys, termios, time

prompt = b"crash> "
argv, chunks = sys.argv[1:sys.argv.index("--")], [ast.literal_eval(c).encode("latin-1") for c in sys.argv[sys.argv.index("--") + 1:]]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
before = termios.tcgetattr(fd)
screen = b""

def fresh_prompts():
    # a redraw of the line repeats the prompt after a carriage return; a new line's prompt does not
    return screen.count(prompt) - screen.count(b"\r" + prompt)

def wait_for(count):
    global screen
    deadline = time.monotonic() + 120
    while not (fresh_prompts() >= count and screen.endswith(prompt)) and time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data:
                return
            screen += data

for i, keys in enumerate(chunks):
    wait_for(i + 1)
    os.write(fd, keys)
deadline = time.monotonic() + 120
status = None
while time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], 1)
    if r:
        try:
            data = os.read(fd, 65536)
            screen += data
        except OSError:
            data = b""
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
after = termios.tcgetattr(fd) if status is not None else None
sys.stdout.write(screen.decode("latin-1"))
sys.stdout.write("\n@@status %s restored %s\n" % (status, after == before))
