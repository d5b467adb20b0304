// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;

namespace Dumpkit.Testing;

/// <summary>An in-memory dump: RAM frames [0, frames) readable (zero unless written), sparse storage.</summary>
public sealed class FakeDump : DumpReader
{
    private readonly Dictionary<ulong, byte[]> _pages = new();
    private readonly List<PfnRange> _ram;

    public FakeDump(ulong frames, IEnumerable<PfnRange>? ram = null, string? vmcoreinfo = null)
    {
        MaxPfn = frames;
        _ram = ram?.ToList() ?? [new PfnRange(0, frames)];
        Vmcoreinfo = vmcoreinfo;
    }

    public string? Vmcoreinfo { get; set; }
    public override string? VmcoreinfoText => Vmcoreinfo;
    public override string Path => "fake";
    public override DumpKind Kind => DumpKind.Elf;
    public override IEnumerable<PfnRange> RamRanges() => _ram;

    public override PageState GetPageState(ulong pfn)
    {
        foreach (var r in _ram)
            if (pfn >= r.Start && pfn < r.End)
                return PageState.Present;
        return PageState.Hole;
    }

    public override void ReadPage(ulong pfn, Span<byte> page)
    {
        if (GetPageState(pfn) != PageState.Present)
            throw new PageNotAvailableException(pfn, PageState.Hole);
        if (_pages.TryGetValue(pfn, out var p)) p.CopyTo(page);
        else page[..PageSize].Clear();
    }

    private byte[] Page(ulong pfn)
    {
        if (!_pages.TryGetValue(pfn, out var p))
            _pages[pfn] = p = new byte[PageSize];
        return p;
    }

    public void Write(ulong paddr, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int off = (int)(paddr % (ulong)PageSize);
            int n = Math.Min(data.Length, PageSize - off);
            data[..n].CopyTo(Page(paddr / (ulong)PageSize).AsSpan(off));
            data = data[n..];
            paddr += (ulong)n;
        }
    }

    public void WriteU64(ulong paddr, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        Write(paddr, b);
    }

    public void WriteU32(ulong paddr, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        Write(paddr, b);
    }

    public void WriteU16(ulong paddr, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        Write(paddr, b);
    }

    public ulong ReadU64(ulong paddr)
    {
        Span<byte> b = stackalloc byte[8];
        ReadPhysical(paddr, b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public override void Dispose() { }
}
