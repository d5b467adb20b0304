// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Sched;

/// <summary>One CPU's run queue (<c>struct rq</c>, the per-CPU <c>runqueues</c>): its address, running and idle task.</summary>
public readonly record struct RunQueue(int Cpu, ulong Address, ulong Curr, ulong Idle);

/// <summary>A queued task and the priority the run-queue lists show (<c>task_struct.prio</c>; the RT array's index).</summary>
public readonly record struct QueuedTask(ulong Task, int Prio);

/// <summary>
/// The per-CPU run queues: <c>runqueues</c> + <c>__per_cpu_offset[cpu]</c> for every possible CPU,
/// <c>rq-&gt;curr</c>, <c>rq-&gt;idle</c>, the CFS red-black tree and the RT priority lists.
/// Offsets from BTF; walks are bounded.
/// </summary>
public sealed class RunQueues
{
    private const int MaxQueued = 1 << 16;
    private readonly KernelMemory _memory;
    private readonly ulong _curr, _idle, _cfs, _rt, _timeline, _cfsCurr, _runNode, _seMyQ, _se, _prio;
    private readonly ulong? _rtMyQ, _rtOffset, _runList;
    private readonly ulong _rtActive, _queue;
    private readonly int _queues;

    public IReadOnlyList<RunQueue> Cpus { get; }

    public RunQueues(KernelMemory memory, KallsymsTable symbols, BtfTypes types, IEnumerable<int> cpus)
    {
        _memory = memory;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _curr = Offset("rq.curr");
        _idle = Offset("rq.idle");
        _cfs = Offset("rq.cfs");
        _rt = Offset("rq.rt");
        _timeline = Offset("cfs_rq.tasks_timeline");
        _cfsCurr = Offset("cfs_rq.curr");
        _runNode = Offset("sched_entity.run_node");
        _seMyQ = types.MemberPath("sched_entity.my_q")?.ByteOffset ?? ulong.MaxValue;
        _se = Offset("task_struct.se");
        _prio = Offset("task_struct.prio");
        _rtActive = Offset("rt_rq.active");
        _queue = Offset("rt_prio_array.queue");
        _queues = types.MemberPath("rt_prio_array.queue") is { } q && types.Kind(types.Strip(q.Type)) == BtfKind.Array
            ? (int)Math.Min(types.Array(types.Strip(q.Type)).Count, 1024) : 100;
        _rtOffset = types.MemberPath("task_struct.rt")?.ByteOffset;
        _runList = types.MemberPath("sched_rt_entity.run_list")?.ByteOffset;
        _rtMyQ = types.MemberPath("sched_rt_entity.my_q")?.ByteOffset;
        if (symbols.Lookup("runqueues") is not { } rq)
            throw new KernelDataException("no runqueues symbol");
        var list = new List<RunQueue>();
        foreach (int cpu in cpus)
        {
            if (symbols.PerCpuAddress(rq, cpu) is not ulong at)
                throw new KernelDataException($"no __per_cpu_offset for CPU {cpu}");
            list.Add(new RunQueue(cpu, at, memory.ReadU64(at + _curr, "rq.curr"), memory.ReadU64(at + _idle, "rq.idle")));
        }
        Cpus = list;
    }

    /// <summary>The CPUs set in a cpumask variable (<c>__cpu_possible_mask</c>, ...), at most 8192; null when unreadable.</summary>
    public static List<int>? MaskCpus(KernelMemory memory, KallsymsTable symbols, string mask)
    {
        if (symbols.AddressOf(mask) is not ulong a)
            return null;
        int limit = 8192;
        if (symbols.AddressOf("nr_cpu_ids") is ulong n && memory.TryReadU32(n, out uint ids) && ids is > 0 and <= 8192)
            limit = (int)ids;
        var bits = new byte[(limit + 63) / 64 * 8];
        if (!memory.TryReadVirtual(a, bits))
            return null;
        var cpus = new List<int>();
        for (int cpu = 0; cpu < limit; cpu++)
            if ((bits[cpu >> 3] & (1 << (cpu & 7))) != 0)
                cpus.Add(cpu);
        return cpus;
    }

    /// <summary>Where the RT priority array of a run queue is (crash's <c>RT PRIO_ARRAY</c>).</summary>
    public ulong RtPrioArray(RunQueue rq) => rq.Address + _rt + _rtActive;

    /// <summary>Where the root CFS red-black tree is (crash's <c>CFS RB_ROOT</c>).</summary>
    public ulong CfsRoot(RunQueue rq) => rq.Address + _cfs + _timeline;

    /// <summary>The tasks queued on the RT lists, by priority then list order; group entities are opened in place.</summary>
    public List<QueuedTask> RtTasks(RunQueue rq)
    {
        var list = new List<QueuedTask>();
        if (_rtOffset is ulong rt && _runList is ulong runList)
            RtArray(rq.Address + _rt + _rtActive, rt + runList, list, 0);
        return list;
    }

    private void RtArray(ulong array, ulong runListInTask, List<QueuedTask> into, int depth)
    {
        if (depth > 8)
            throw new KernelDataException("RT run-queue groups nest deeper than 8");
        for (int i = 0; i < _queues; i++)
        {
            ulong head = array + _queue + (ulong)i * 16;
            int n = 0;
            for (ulong node = _memory.ReadU64(head, "rt_prio_array.queue"); node != head; node = _memory.ReadU64(node, "sched_rt_entity.run_list"))
            {
                if (++n > MaxQueued || into.Count > MaxQueued)
                    throw new KernelDataException($"an RT run queue holds more than {MaxQueued} entries (a cycle?)");
                ulong entity = node - _runList!.Value;
                if (_rtMyQ is ulong myQ && _memory.ReadU64(entity + myQ, "sched_rt_entity.my_q") is ulong group and not 0)
                {
                    RtArray(group + _rtActive, runListInTask, into, depth + 1);
                    continue;
                }
                into.Add(new QueuedTask(node - runListInTask, i));
            }
        }
    }

    /// <summary>
    /// The tasks in the CFS tree, leftmost first (the group running on the CPU first, group entities
    /// opened where they stand), as crash lists them.
    /// </summary>
    public List<QueuedTask> CfsTasks(RunQueue rq)
    {
        var list = new List<QueuedTask>();
        var seen = new HashSet<ulong>();
        CfsRq(rq.Address + _cfs, list, seen, 0);
        return list;
    }

    private void CfsRq(ulong cfsRq, List<QueuedTask> into, HashSet<ulong> seen, int depth)
    {
        if (depth > 16)
            throw new KernelDataException("CFS task groups nest deeper than 16");
        if (_seMyQ != ulong.MaxValue && _memory.ReadU64(cfsRq + _cfsCurr, "cfs_rq.curr") is ulong curr and not 0
            && _memory.ReadU64(curr + _seMyQ, "sched_entity.my_q") is ulong currQ and not 0)
            CfsRq(currQ, into, seen, depth + 1);
        ulong root = cfsRq + _timeline;
        if (_memory.ReadU64(root + 8, "rb_root_cached.rb_leftmost") == 0)
            return;
        int n = 0;
        for (ulong node = First(_memory.ReadU64(root, "rb_root.rb_node")); node != 0; node = Next(node))
        {
            if (++n > MaxQueued)
                throw new KernelDataException($"a CFS run queue holds more than {MaxQueued} entries (a cycle?)");
            ulong entity = node - _runNode;
            if (_seMyQ != ulong.MaxValue && _memory.ReadU64(entity + _seMyQ, "sched_entity.my_q") is ulong group and not 0)
            {
                CfsRq(group, into, seen, depth + 1);
                continue;
            }
            ulong task = entity - _se;
            if (!seen.Add(task))
                return; // crash stops at a duplicate node
            if (!_memory.TryReadU32(task + _prio, out uint prio))
                throw new KernelAddressException(task + _prio, "task_struct.prio");
            into.Add(new QueuedTask(task, (int)prio));
        }
    }

    // struct rb_node { unsigned long __rb_parent_color; rb_right; rb_left; }
    private ulong First(ulong node)
    {
        if (node == 0)
            return 0;
        for (int i = 0; i < 128; i++)
        {
            ulong left = _memory.ReadU64(node + 16, "rb_node.rb_left");
            if (left == 0)
                return node;
            node = left;
        }
        throw new KernelDataException("a red-black tree deeper than 128 (corrupt?)");
    }

    private ulong Next(ulong node)
    {
        ulong right = _memory.ReadU64(node + 8, "rb_node.rb_right");
        if (right != 0)
            return First(right);
        for (int i = 0; i < 128; i++)
        {
            ulong parent = _memory.ReadU64(node, "rb_node.__rb_parent_color") & ~3UL;
            if (parent == 0 || _memory.ReadU64(parent + 16, "rb_node.rb_left") == node)
                return parent;
            node = parent;
        }
        throw new KernelDataException("a red-black tree deeper than 128 (corrupt?)");
    }
}
