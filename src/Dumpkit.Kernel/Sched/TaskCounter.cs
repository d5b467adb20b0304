using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Sched;

/// <summary>
/// How many tasks the kernel had: every thread of every process on <c>init_task.tasks</c> (each
/// process's <c>signal-&gt;thread_head</c> list), plus the idle tasks of the other CPUs, which are
/// on no list. Member offsets from BTF; walks are bounded.
/// </summary>
public static class TaskCounter
{
    public const int MaxTasks = 1 << 22; // PID_MAX_LIMIT

    public static int Count(KernelMemory memory, KallsymsTable symbols, BtfTypes types, int cpus)
    {
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset
            ?? throw new KernelDataException($"BTF lacks {path}");
        ulong tasks = Offset("task_struct.tasks"), signal = Offset("task_struct.signal");
        ulong threadHead = Offset("signal_struct.thread_head");
        ulong init = symbols.AddressOf("init_task") ?? throw new KernelDataException("no init_task symbol");

        int count = 0;
        ulong head = init + tasks, at = head;
        do
        {
            ulong task = at - tasks;
            ulong sig = memory.ReadU64(task + signal, "task_struct.signal");
            count += ListLength(memory, sig + threadHead, MaxTasks - count, "signal_struct.thread_head");
            at = memory.ReadU64(at, "task_struct.tasks.next");
            if (count >= MaxTasks)
                throw new KernelDataException($"the task list holds more than {MaxTasks} threads (a cycle?)");
        } while (at != head);
        return count + Math.Max(0, cpus - 1);
    }

    /// <summary>Entries of a circular list_head list, not counting the head.</summary>
    private static int ListLength(KernelMemory memory, ulong head, int max, string what)
    {
        int n = 0;
        for (ulong at = memory.ReadU64(head, what); at != head; at = memory.ReadU64(at, what))
            if (++n > max)
                throw new KernelDataException($"{what} at 0x{head:x} does not close within {max} entries");
        return n;
    }
}
