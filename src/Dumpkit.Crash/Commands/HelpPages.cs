// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary>
/// The DESCRIPTION section of <c>help COMMAND</c>, laid out as crash's pages (two-space indent, options
/// right-aligned before their text), shorter, and saying what this crash does: what it reads from the dump
/// and which of crash's options it takes. A command without a page here gets NAME and SYNOPSIS only.
/// </summary>
internal static class HelpPages
{
    public static string? Description(string command) => command switch
    {
        "bt" => """
              Display a kernel stack backtrace, unwound with the kernel's own ORC tables (vmlinux's and each
              module's) read from the dump. Without an argument, the current context (the task that panicked
              until "set" changes it).

                     -a  the running task of each online CPU.
                     -f  each frame's stack words, up to the next frame.
                    pid  every task with that PID (0: each CPU's idle task).
                   task  a task_struct address.

              A frame in a module is followed by the module's name in brackets. Kernel exception frames show
              "[exception RIP: ...]" and the registers; the trace of a system call ends with the user registers.
            """,
        "dis" => """
              Disassemble the kernel text in the dump (as it ran, patched), in gdb's AT&T syntax.

                     -r  from the start of the function up to and including the address.
                     -f  from the address to the end of the function.
                     -l  source line numbers (not available: kallsyms has none).
                address  a kernel text address or symbol[+offset].
                  count  the number of instructions (default: the whole function for a symbol).
            """,
        "exit" or "q" => """
              Bail out of the current crash session (the terminal's settings are restored). At the prompt,
              Ctrl-D on an empty line does the same.
            """,
        "foreach" => """
              Run a command for every task, in ps order, or for the tasks named by PID, task address or
              command name. The command taken is "bt" (with -f).
            """,
        "help" => """
              Without an argument, the table of commands. With command names, each one's page; "all" shows
              every page. At the prompt: left/right, Home/End (Ctrl-A/E), Backspace/Delete, Ctrl-U/K/W,
              up/down for the history (kept in ~/.dumpkit_crash_history), Ctrl-C for a fresh line.
            """,
        "kmem" => """
              Kernel memory usage.

                     -i  the memory usage summary (TOTAL MEM, FREE, USED, SHARED, BUFFERS, CACHED, SLAB,
                         huge pages, swap, commit limit), computed as crash computes it.
            """,
        "log" => """
              Dump the kernel's message buffer (the printk ring buffer from 5.10, the log_buf records before).

                     -T  human-readable timestamps (the boot time plus each record's time).
                     -t  no timestamps.
                     -m  each message's level as <N>.
            """,
        "mod" => """
              Without an argument, the loaded modules: the struct module address, name, base, size; there is
              no object file ("(not loaded)  [CONFIG_KALLSYMS]"): symbols come from each module's kallsyms.
            """,
        "p" => """
              Print the value of a known kernel global (its type from BTF), or of a symbol's address.

                     -x  hexadecimal output.
                     -d  decimal output.
            """,
        "ps" => """
              Process status of every task, or of those named by PID, task address, command or 'regex'. The
              active task of each CPU is marked with ">".

                     -k  kernel threads only.
                     -u  user tasks only.
                     -G  thread group leaders only.
            """,
        "rd" => """
              Display memory, kernel virtual by default.

                -8/-16/-32/-64  the size of each item (default 64 bits).
                     -x  no ASCII translation.
                     -s  symbolic: each word that is a kernel or module address is shown as its symbol.
                address  a hexadecimal address or a symbol.
                  count  the number of items.
            """,
        "runq" => """
              The run queue of each CPU: the running task, the real-time priority lists and the CFS tree,
              task groups opened in place.
            """,
        "set" => """
              Without an argument, the current context. Otherwise set it:

                    pid  the task with that PID.
                  taskp  a task_struct address.
                 -c cpu  the task running on that CPU.
                     -p  the panic task.
            """,
        "struct" or "union" => $"""
              Display the definition of a {command} (from BTF), or its contents at an address.

               .member  one or more members (comma-separated) instead of the whole {command}.
                     -o  member offsets in the definition, or member addresses with an address.
                address  a kernel virtual address or symbol.
            """,
        "sym" => """
              Translate a symbol to its virtual address, or an address to its symbol plus offset, with the
              symbol's type in parentheses. Symbols are the kernel's kallsyms and the modules' kallsyms
              ("[module]" follows a module's symbol); there are no source file names or line numbers.

                     -l  dumps all symbols and their values.
              -q string  searches for all symbols containing "string".
            """,
        "sys" => """
              System data: the kernel release, the dump, CPUs, date, uptime, load average, tasks, node name,
              release, version, machine, memory, and the panic message.
            """,
        "vm" => """
              A task's memory: the task header, MM, PGD, RSS and TOTAL_VM, then each memory area (VMA, START,
              END, FLAGS, FILE) in address order, read from the task's maple tree (6.1+). Kernel threads have
              no mm. No options yet.

                    pid  every task with that PID.
                   task  a task_struct address.
            """,
        "files" => """
              A task's root and working directories and its open files: FD, FILE, DENTRY, INODE, TYPE and
              PATH. No options yet.

                    pid  every task with that PID.
                   task  a task_struct address.
            """,
        _ => null,
    };
}
