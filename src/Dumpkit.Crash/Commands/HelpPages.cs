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
                     -s  each function with its offset (name+offset), decimal; -x hexadecimal, -d decimal.
                     -l  line numbers: the dump has none (kallsyms), so bt says so and prints the trace.
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
        "files" => """
              The open files of a task: its root and working directories, then each open file descriptor with
              its struct file, dentry, inode, type (REG DIR CHR BLK LNK FIFO SOCK UNKN) and path, the path built
              from the dentry and mount chains in the dump. Without an argument, the current context.

                    pid  every task with that PID.
                  taskp  a task_struct address.
                     -c  each open file's inode, its i_mapping and the number of pages in its page cache.
              -R reference  only the open files that refer to it: a descriptor number, a file, dentry or inode
                         address, a type, or a part of the path; a task without one shows nothing.
              -d dentry  a dentry (hexadecimal address): its inode, super block, type and full path.
               -p inode  an inode (hexadecimal address): its page count, then each page of its page cache
                         (page, physical address, mapping, index, count, flags).
            """,
        "foreach" => """
              Run commands for every task, in ps order, or for the tasks selected by PID, task address,
              command name, 'regex', state (RU, IN, UN, ...), kernel, user, gleader or active.
              The commands taken are "bt" (with -f, -s, -x, -d, -l), "vm", "files", "ps" (with -G, -s),
              "task" (with -R, -x, -d), "sig", "set", "net -s" (with -R) and "vtop" (with -u, -k and
              addresses); several may be given; "files -R" and "net -s -R" print only the tasks that hold the
              reference.
            """,
        "help" => """
              Without an argument, the table of commands. With command names, each one's page; "all" shows
              every page. At the prompt: left/right, Home/End (Ctrl-A/E), Backspace/Delete, Ctrl-U/K/W,
              up/down for the history (kept in ~/.dumpkit_crash_history), Ctrl-C for a fresh line.

                     -D  the dump file's headers as crash prints them: disk_dump_header, kdump_sub_header with
                         the VMCOREINFO text, the NT_PRSTATUS notes and the eraseinfo text (each part of a
                         split set in turn); where crash prints its own heap pointers, the file offset of the
                         data (0 for buffers without one). Kdump-compressed files only.
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
                     -s  the kernel stack pointer saved at the task's last switch (KSTACKP) in place of the task
                         address; "--" for a task running on a CPU.
            """,
        "rd" => """
              Display memory, kernel virtual by default.

                -8/-16/-32/-64  the size of each item (default 64 bits).
                     -p  the address is physical.
                     -x  no ASCII translation.
                     -s  symbolic: each word that is a kernel or module address is shown as its symbol.
                address  a hexadecimal address or a symbol; a user address is read in the current
                         context's address space.
                  count  the number of items.

              An address the dump does not hold is reported as crash words it: "page excluded" (filtered
              out), "read error" (ELF) or "seek error" (kdump-compressed) for a memory hole or beyond memory,
              "invalid ... virtual address" when it does not translate.
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
        "sig" => """
              The signal handling of a task: its signal_struct and thread count, each signal's sigaction
              (handler, mask, flags), whether a signal is pending, the blocked set, and the private and shared
              pending sets with their queues. Without an argument, the current context.

                    pid  every task with that PID.
                  taskp  a task_struct address.
                     -g  every thread of the task's thread group.
                     -l  the signal numbers and names.
              -s sigset  the names of the signals set in a hexadecimal sigset.
            """,
        "net" => """
              Without an option, the network devices of the initial namespace: net_device, name and IPv4
              addresses.

              -n [pid | task]  the devices of the network namespace of the current context, or of the task.
              -s [pid | task]  each open socket of the current context or the tasks: descriptor, struct socket,
                               struct sock, family and type, and for INET the source and destination
                               address-port pairs; "No open sockets." when it has none.
                       -R ref  with -s: only the socket or sock address, or the descriptor, it names; a task
                               without it shows nothing.
                       -x, -d  taken, as crash takes them (they change only -S's structures).
                           -a  the ARP cache: neighbour, IP address, hardware type and address, device, state.
                      -N addr  an IPv4 address given as a decimal or hexadecimal number, in dotted notation.

              -S (the socket and sock structures) is not there yet.
            """,
        "task" => """
              The task_struct and thread_info of a task, printed as gdb prints them (types from BTF). Without
              an argument, the current context.

                    pid  every task with that PID.
                  taskp  a task_struct address.
              -R member  only these members (comma-separated, or repeated), from the task_struct and then the
                         thread_info; a member name alone as an argument does the same.
                     -x  integers in hexadecimal.
                     -d  integers in decimal (the default).
            """,
        "vtop" => """
              Translate a virtual address to its physical address: the page-table walk (the kernel's
              init_top_pgt, or the task's mm->pgd for a user address), the final entry's flags and the
              struct page of the frame (mapping, index, count, flags by name). The direct map and the kernel
              image translate by arithmetic, as crash does, and the walk is shown as far as it goes.

                     -u  the address is a user address (of the current context, or of -c's task).
                     -k  the address is a kernel address.
                -c task  a PID or task_struct address whose address space is used.
            """,
        "sys" => """
              System data: the kernel release, the dump, CPUs, date, uptime, load average, tasks, node name,
              release, version, machine, memory, and the panic message.
            """,
        "vm" => """
              The virtual memory of a task: its mm_struct, page directory, RSS and total size, then each
              memory area (the maple tree of the mm from 6.1, the vm_next list before) with its
              vm_area_struct, start, end, flags and file. Without an argument, the current context; a kernel
              thread stops after the MM line. -p, -m, -v, -P and -f exclude each other; -R goes with -p only.

                     pid  every task with that PID.
                    task  a task_struct address.

                      -p  each page of each memory area: its physical address through the mm's page tables, else
                          for a swap entry its device and offset, else for a file mapping the file and offset,
                          else "(not mapped)".
                  -P vma  the same for the one memory area at that vm_area_struct address.
                   -M mm  the mm_struct to show for a task whose task_struct has none (an exiting task); it
                          must be the mm of a task in the dump.
            -R reference  only what leads to a reference: the mm_struct or page directory address, a memory
                          area's address, flags or file name (a part of its path), a page's virtual or physical
                          address, a swap offset (decimal) or device, a file offset.
                      -m  the task's mm_struct, as gdb prints it.
                      -v  each vm_area_struct of the task, as gdb prints it.
                  -x, -d  hexadecimal or decimal integers in -m and -v.
             -f vm_flags  the names of the bits of a vm_flags value, as crash 8.0.2 names them.
            """,
        _ => null,
    };
}
