// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Printk;

/// <summary>
/// The lockless printk ringbuffer of Linux 5.10+ (kernel/printk/printk_ringbuffer.h): a descriptor
/// ring (<c>struct prb_desc</c> state + text block positions, <c>struct printk_info</c> metadata) and a
/// text data ring whose blocks start with the descriptor id. Read with VMCOREINFO offsets only.
/// </summary>
internal sealed class PrintkRingbuffer
{
    private const int DescFlagsShift = 62;
    private const ulong DescIdMask = ~(3UL << DescFlagsShift);
    private const ulong DescCommitted = 1, DescFinalized = 2;

    private readonly byte[] _descs, _infos, _text;
    private readonly ulong _count, _textSize;
    private readonly long _descSize, _stateOff, _beginOff, _nextOff, _infoSize, _tsOff, _lenOff;
    private readonly long? _callerOff;

    public ulong HeadId { get; }
    public ulong TailId { get; }
    public ulong Count => _count;

    /// <summary>Kernel virtual address and length of each part of the log: the ringbuffer, descriptors, infos, text.</summary>
    public (ulong Address, long Length)[] Regions { get; }

    private PrintkRingbuffer(KernelMemory mem, Vmcoreinfo info)
    {
        long O(string n) => info.Offset(n) switch
        {
            null => throw new KernelDataException($"VMCOREINFO lacks OFFSET({n})"),
            long v and >= 0 and < 1 << 16 => v,
            long v => throw new KernelDataException($"VMCOREINFO's OFFSET({n})={v} is implausible"),
        };
        long S(string n) => info.Size(n) is long v and > 0 and <= 1 << 16 ? v : throw new KernelDataException($"VMCOREINFO lacks a plausible SIZE({n})");

        ulong prbSym = info.Symbol("prb") ?? throw new KernelDataException("VMCOREINFO lacks SYMBOL(prb)");
        ulong prb = mem.TryReadU64(prbSym, out ulong p) ? p : throw new KernelDataException("Can't get the prb address.", prbSym, 8);
        var rb = new byte[S("printk_ringbuffer")];
        if (!mem.TryReadVirtual(prb, rb)) throw new KernelDataException("Can't get prb.", prb, rb.Length);

        long counter = info.Offset("atomic_long_t.counter") is null ? 0 : O("atomic_long_t.counter");
        long descRing = O("printk_ringbuffer.desc_ring");
        long textRing = O("printk_ringbuffer.text_data_ring");
        uint countBits = U32(rb, descRing + O("prb_desc_ring.count_bits"));
        uint sizeBits = U32(rb, textRing + O("prb_data_ring.size_bits"));
        if (countBits > 24 || sizeBits > 30)
            throw new KernelDataException($"printk ringbuffer sizes are implausible (count_bits={countBits}, size_bits={sizeBits})");
        _count = 1UL << (int)countBits;
        _textSize = 1UL << (int)sizeBits;

        _descSize = S("prb_desc");
        _infoSize = S("printk_info");
        if ((long)_count * Math.Max(_descSize, _infoSize) > 1L << 28)
            throw new KernelDataException($"printk ringbuffer of {_count} records is implausibly large");
        _stateOff = O("prb_desc.state_var") + counter;
        long blk = O("prb_desc.text_blk_lpos");
        _beginOff = blk + O("prb_data_blk_lpos.begin");
        _nextOff = blk + O("prb_data_blk_lpos.next");
        _tsOff = O("printk_info.ts_nsec");
        _lenOff = O("printk_info.text_len");
        _callerOff = info.Offset("printk_info.caller_id");
        if (_callerOff is < 0)
            throw new KernelDataException($"VMCOREINFO's OFFSET(printk_info.caller_id)={_callerOff} is implausible");
        if (_stateOff + 8 > _descSize || _nextOff + 8 > _descSize || _beginOff + 8 > _descSize
            || _tsOff + 8 > _infoSize || _lenOff + 2 > _infoSize || (_callerOff is long co && co + 4 > _infoSize))
            throw new KernelDataException("VMCOREINFO puts printk ringbuffer fields outside their structures");

        ulong descsAt = U64(rb, descRing + O("prb_desc_ring.descs"));
        ulong infosAt = U64(rb, descRing + O("prb_desc_ring.infos"));
        ulong textAt = U64(rb, textRing + O("prb_data_ring.data"));
        Regions = [(prb, rb.Length), (descsAt, (long)_count * _descSize), (infosAt, (long)_count * _infoSize), (textAt, (long)_textSize)];
        _descs = Read(mem, descsAt, (long)_count * _descSize, "Can't get prb.desc_ring.descs.");
        _infos = Read(mem, infosAt, (long)_count * _infoSize, "Can't get prb.desc_ring.infos.");
        _text = Read(mem, textAt, (long)_textSize, "Can't get prb.text_data_ring.");
        TailId = U64(rb, descRing + O("prb_desc_ring.tail_id") + counter);
        HeadId = U64(rb, descRing + O("prb_desc_ring.head_id") + counter);
    }

    public static PrintkRingbuffer Load(KernelMemory mem, Vmcoreinfo info) => new(mem, info);

    private static byte[] Read(KernelMemory mem, ulong addr, long length, string error)
    {
        var b = new byte[length];
        if (!mem.TryReadVirtual(addr, b)) throw new KernelDataException(error, addr, length);
        return b;
    }

    /// <summary>Writes the records from <paramref name="tailId"/> to the head, inclusive, as makedumpfile does.</summary>
    public void Dump(Stream output, ulong tailId, TextWriter? warnings) =>
        Walk(tailId, warnings, (in RawRecord r) => LogLine.Write(output, r.TimestampNs, r.CallerId, r.Text));

    /// <summary>The records from <paramref name="tailId"/> to the head, inclusive (what <see cref="Dump"/> writes).</summary>
    public List<LogRecord> Records(ulong tailId, TextWriter? warnings)
    {
        var list = new List<LogRecord>();
        Walk(tailId, warnings, (in RawRecord r) => list.Add(new LogRecord(r.TimestampNs, r.CallerId, r.Text.ToArray(), r.Info.ToArray())));
        return list;
    }

    private delegate void RecordVisitor(in RawRecord record);

    private readonly ref struct RawRecord(ulong ts, uint? caller, ReadOnlySpan<byte> text, ReadOnlySpan<byte> info)
    {
        public readonly ulong TimestampNs = ts;
        public readonly uint? CallerId = caller;
        public readonly ReadOnlySpan<byte> Text = text;
        public readonly ReadOnlySpan<byte> Info = info;
    }

    private void Walk(ulong tailId, TextWriter? warnings, RecordVisitor visit)
    {
        ulong id = tailId;
        ulong steps = 0;
        // Upstream walks until it meets head_id; a corrupt id pair would make that loop run for 2^62 steps.
        ulong limit = _count + 1;
        for (; id != HeadId; id = (id + 1) & DescIdMask)
        {
            if (++steps > limit)
            {
                warnings?.WriteLine($"WARNING: printk ringbuffer tail_id 0x{tailId:x} is not within {_count} " +
                    $"records of head_id 0x{HeadId:x}; the log is cut short.");
                return;
            }
            VisitRecord(id, visit);
        }
        VisitRecord(id, visit);
    }

    private void VisitRecord(ulong id, RecordVisitor visit)
    {
        long slot = (long)(id % _count);
        var desc = _descs.AsSpan((int)(slot * _descSize), (int)_descSize);
        ulong state = U64(desc, _stateOff);
        if ((state & DescIdMask) != id)
            return;
        ulong st = 3 & (state >> DescFlagsShift);
        if (st != DescCommitted && st != DescFinalized)
            return;
        ulong begin = U64(desc, _beginOff) % _textSize;
        ulong next = U64(desc, _nextOff) % _textSize;
        if (begin == next)
            return;
        var inf = _infos.AsSpan((int)(slot * _infoSize), (int)_infoSize);
        ulong textLen = BinaryPrimitives.ReadUInt16LittleEndian(inf[(int)_lenOff..]);
        if (begin > next)
            begin = 0;
        begin += 8;
        if (next - begin < textLen)
            textLen = next - begin;
        // Upstream would read past its buffer on a corrupt block; stay inside it.
        if (begin >= (ulong)_text.Length)
            textLen = 0;
        else if (textLen > (ulong)_text.Length - begin)
            textLen = (ulong)_text.Length - begin;
        ulong ts = U64(inf, _tsOff);
        uint? caller = _callerOff is long co ? BinaryPrimitives.ReadUInt32LittleEndian(inf[(int)co..]) : null;
        visit(new RawRecord(ts, caller, _text.AsSpan((int)Math.Min(begin, (ulong)_text.Length), (int)textLen), inf));
    }

    private static ulong U64(ReadOnlySpan<byte> b, long off) => BinaryPrimitives.ReadUInt64LittleEndian(Field(b, off, 8));
    private static uint U32(ReadOnlySpan<byte> b, long off) => BinaryPrimitives.ReadUInt32LittleEndian(Field(b, off, 4));

    /// <summary>The bytes of a field at a VMCOREINFO offset, which a lying VMCOREINFO can put outside the structure read.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> b, long off, int size) =>
        off >= 0 && off <= b.Length - size
            ? b.Slice((int)off, size)
            : throw new KernelDataException($"VMCOREINFO puts a printk ringbuffer field at offset {off}, outside its {b.Length}-byte structure");
}
