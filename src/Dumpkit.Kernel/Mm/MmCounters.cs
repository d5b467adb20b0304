// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Mm;

/// <summary>
/// A process's memory counters from its <c>struct mm_struct</c>: <c>total_vm</c> (crash's VSZ) and the
/// resident pages (RSS = MM_FILEPAGES + MM_ANONPAGES + MM_SHMEMPAGES, each counted only when
/// positive). Up to 6.1 <c>rss_stat</c> is an array of atomics and each thread keeps unsynced
/// deltas in <c>task_struct.rss_stat</c> (SPLIT_RSS_COUNTING), added as crash adds them; from 6.2
/// it is an array of per-CPU counters, summed over the CPUs.
/// </summary>
public sealed class MmCounters
{
    private const int FilePages = 0, AnonPages = 1, ShmemPages = 3;
    private readonly KernelMemory _memory;
    private readonly KallsymsTable _symbols;
    private readonly ulong _totalVm, _rssStat;
    private readonly ulong? _taskRssCount;      // task_struct.rss_stat.count (SPLIT_RSS_COUNTING)
    private readonly ulong _counterSize;        // 8: atomic_long_t; else sizeof(struct percpu_counter)
    private readonly ulong _pcCount, _pcCounters;
    private readonly IReadOnlyList<int> _cpus;

    public MmCounters(KernelMemory memory, KallsymsTable symbols, BtfTypes types, IReadOnlyList<int> cpus)
    {
        _memory = memory;
        _symbols = symbols;
        _cpus = cpus;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _totalVm = Offset("mm_struct.total_vm");
        var rss = types.MemberPath("mm_struct.rss_stat") ?? throw new KernelDataException("BTF lacks mm_struct.rss_stat");
        _rssStat = rss.ByteOffset;
        if (types.Kind(types.Strip(rss.Type)) == BtfKind.Array)
        {
            // 6.2+: struct percpu_counter rss_stat[NR_MM_COUNTERS]
            var array = types.Array(types.Strip(rss.Type));
            _counterSize = types.SizeOf(array.ElementType);
            _pcCount = Offset("percpu_counter.count");
            _pcCounters = Offset("percpu_counter.counters");
        }
        else
        {
            // struct mm_rss_stat { atomic_long_t count[NR_MM_COUNTERS]; }
            _rssStat += Offset("mm_rss_stat.count");
            _counterSize = 8;
            if (types.MemberPath("task_struct.rss_stat") is { } t && types.MemberPath("task_rss_stat.count") is { } c)
                _taskRssCount = t.ByteOffset + c.ByteOffset;
        }
    }

    /// <summary>Pages mapped (<c>total_vm</c>).</summary>
    public ulong TotalVm(ulong mm) => _memory.ReadU64(mm + _totalVm, "mm_struct.total_vm");

    /// <summary>Resident pages of the mm; <paramref name="threads"/> are the tasks of its thread group (their split counters).</summary>
    public ulong Rss(ulong mm, IEnumerable<ulong> threads)
    {
        long rss = Counter(mm, FilePages) + Counter(mm, AnonPages) + Counter(mm, ShmemPages);
        if (_taskRssCount is ulong off)
        {
            Span<byte> b = stackalloc byte[16];
            foreach (ulong t in threads)
            {
                if (!_memory.TryReadVirtual(t + off, b))
                    continue;
                foreach (int i in (ReadOnlySpan<int>)[FilePages, AnonPages, ShmemPages])
                    rss += Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(b[(i * 4)..]));
            }
        }
        return (ulong)Math.Max(0, rss);
    }

    /// <summary>The mm's own counters (pages, negatives as 0): file, anonymous, shared memory.</summary>
    public (long File, long Anon, long Shmem) Counters(ulong mm) => (Counter(mm, FilePages), Counter(mm, AnonPages), Counter(mm, ShmemPages));

    private long Counter(ulong mm, int index)
    {
        ulong at = mm + _rssStat + (ulong)index * _counterSize;
        if (_counterSize == 8)
            return Math.Max(0, (long)_memory.ReadU64(at, "mm_struct.rss_stat"));
        long sum = (long)_memory.ReadU64(at + _pcCount, "percpu_counter.count");
        ulong counters = _memory.ReadU64(at + _pcCounters, "percpu_counter.counters");
        Span<byte> b = stackalloc byte[4];
        foreach (int cpu in _cpus)
            if (_symbols.PerCpuOffset(cpu) is ulong off && _memory.TryReadVirtual(counters + off, b))
                sum += BinaryPrimitives.ReadInt32LittleEndian(b);
        return Math.Max(0, sum);
    }
}
