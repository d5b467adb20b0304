// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Sched;

/// <summary>One task (thread) of the crashed kernel: its task_struct address, ids, name and raw state.</summary>
public readonly record struct TaskInfo(ulong Address, int Pid, int Tgid, int ParentPid, string Comm, uint State, uint ExitState);

/// <summary>
/// The kernel's threads: every process on <c>init_task.tasks</c> and every thread on its
/// <c>signal-&gt;thread_head</c> list (init_task, the boot CPU's idle task, first). Offsets from BTF;
/// every walk is bounded and a list that does not close is an error, not a hang.
/// </summary>
public sealed class TaskList
{
    public const int MaxTasks = 1 << 22; // PID_MAX_LIMIT

    private readonly KernelMemory _memory;
    private readonly ulong _tasks, _signal, _threadHead, _threadNode, _pid, _tgid, _comm, _parent, _state, _exitState;
    private readonly int _stateSize;
    private readonly ulong _init;

    public TaskList(KernelMemory memory, KallsymsTable symbols, BtfTypes types)
    {
        _memory = memory;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _tasks = Offset("task_struct.tasks");
        _signal = Offset("task_struct.signal");
        _threadHead = Offset("signal_struct.thread_head");
        _threadNode = Offset("task_struct.thread_node");
        _pid = Offset("task_struct.pid");
        _tgid = Offset("task_struct.tgid");
        _comm = Offset("task_struct.comm");
        _parent = Offset("task_struct.real_parent");
        _exitState = Offset("task_struct.exit_state");
        // Linux 5.14 renamed the long "state" to the unsigned int "__state".
        var state = types.MemberPath("task_struct.__state") ?? types.MemberPath("task_struct.state")
            ?? throw new KernelDataException("BTF lacks task_struct.__state");
        _state = state.ByteOffset;
        _stateSize = (int)types.SizeOf(state.Type);
        _init = symbols.AddressOf("init_task") ?? throw new KernelDataException("no init_task symbol");
    }

    /// <summary>Every thread, processes in task-list order, each process's threads in thread-list order.</summary>
    public List<TaskInfo> Read()
    {
        var list = new List<TaskInfo>();
        ulong head = _init + _tasks, at = head;
        do
        {
            ulong process = at - _tasks;
            ulong signal = _memory.ReadU64(process + _signal, "task_struct.signal");
            ulong threads = signal + _threadHead;
            for (ulong node = _memory.ReadU64(threads, "signal_struct.thread_head"); node != threads;
                 node = _memory.ReadU64(node, "task_struct.thread_node"))
            {
                if (list.Count >= MaxTasks)
                    throw new KernelDataException($"the task lists hold more than {MaxTasks} threads (a cycle?)");
                list.Add(Task(node - _threadNode));
            }
            at = _memory.ReadU64(at, "task_struct.tasks");
            if (list.Count >= MaxTasks)
                throw new KernelDataException($"the task list holds more than {MaxTasks} processes (a cycle?)");
        } while (at != head);
        return list;
    }

    /// <summary>The fields of the task_struct at <paramref name="task"/>.</summary>
    public TaskInfo Task(ulong task)
    {
        Span<byte> comm = stackalloc byte[16];
        _memory.ReadVirtual(task + _comm, comm, "task_struct.comm");
        int nul = comm.IndexOf((byte)0);
        var name = Encoding.Latin1.GetString(nul < 0 ? comm : comm[..nul]);
        int pid = (int)U32(task + _pid), tgid = (int)U32(task + _tgid);
        ulong parent = _memory.ReadU64(task + _parent, "task_struct.real_parent");
        int ppid = parent == 0 || parent == task ? 0 : (int)U32(parent + _pid);
        uint state = _stateSize == 8 ? (uint)_memory.ReadU64(task + _state) : U32(task + _state);
        return new TaskInfo(task, pid, tgid, ppid, name, state, U32(task + _exitState));
    }

    private uint U32(ulong at)
    {
        Span<byte> b = stackalloc byte[4];
        _memory.ReadVirtual(at, b, "task_struct");
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }
}
