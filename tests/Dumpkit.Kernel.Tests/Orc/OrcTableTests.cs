// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Kernel.Orc;

namespace Dumpkit.Kernel.Tests;

/// <summary>ORC entries in the three layouts (orc_types.h of 6.1, 6.3, 6.4), the ip-table lookup, and the real tables.</summary>
public class OrcTableTests
{
    private static byte[] Entry(short sp, short bp, int flags)
    {
        var b = new byte[6];
        BinaryPrimitives.WriteInt16LittleEndian(b, sp);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2), bp);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), (ushort)flags);
        return b;
    }

    [Fact]
    public void V1HasTwoTypeBitsAndAnEndBit()
    {
        // sp_reg SP (5), bp_reg PREV_SP (1), type REGS (1).
        var e = OrcEntry.Decode(Entry(8, -16, 5 | 1 << 4 | 1 << 8), OrcLayout.V1);
        Assert.Equal(new OrcEntry(8, -16, OrcRegister.Sp, OrcRegister.PrevSp, OrcType.Regs, false), e);
        Assert.Equal(OrcType.Call, OrcEntry.Decode(Entry(8, 0, 5), OrcLayout.V1).Type);
        Assert.Equal(OrcType.RegsPartial, OrcEntry.Decode(Entry(8, 0, 5 | 2 << 8), OrcLayout.V1).Type);
        Assert.Equal(OrcType.EndOfStack, OrcEntry.Decode(Entry(0, 0, 1 << 10), OrcLayout.V1).Type);
        Assert.Equal(OrcType.Undefined, OrcEntry.Decode(Entry(0, 0, 0), OrcLayout.V1).Type);
    }

    [Fact]
    public void V2AddsASignalBitBeforeTheEndBit()
    {
        var e = OrcEntry.Decode(Entry(16, 0, 9 | 1 << 10), OrcLayout.V2);
        Assert.Equal(OrcRegister.SpIndirect, e.SpRegister);
        Assert.Equal(OrcType.Call, e.Type);
        Assert.True(e.Signal);
        Assert.Equal(OrcType.EndOfStack, OrcEntry.Decode(Entry(0, 0, 1 << 11), OrcLayout.V2).Type);
        Assert.Equal(OrcType.Undefined, OrcEntry.Decode(Entry(0, 0, 1 << 10), OrcLayout.V2).Type);
    }

    [Theory]
    [InlineData(0, OrcType.Undefined)]
    [InlineData(1, OrcType.EndOfStack)]
    [InlineData(2, OrcType.Call)]
    [InlineData(3, OrcType.Regs)]
    [InlineData(4, OrcType.RegsPartial)]
    [InlineData(7, OrcType.Undefined)]
    public void V3HasThreeTypeBitsAndASignalBit(int type, OrcType expected)
    {
        var e = OrcEntry.Decode(Entry(8, 0, 4 | 8 << 4 | type << 8 | 1 << 11), OrcLayout.V3);
        Assert.Equal(expected, e.Type);
        Assert.Equal(OrcRegister.Bp, e.SpRegister);
        Assert.Equal(OrcRegister.BpIndirect, e.BpRegister);
        Assert.True(e.Signal);
    }

    [Fact]
    // 7.1's orc_types.h: the same bits as 6.4's, the registers renumbered (SP 3, BP 4, DI 5, PREV_SP 8, BP_INDIRECT 10).
    public void V4RenumbersTheRegisters()
    {
        var raw = Entry(16, -8, 3 | 8 << 4 | 2 << 8);
        var e = OrcEntry.Decode(raw, OrcLayout.V4);
        Assert.Equal((OrcRegister.Sp, OrcRegister.PrevSp, OrcType.Call, false), (e.SpRegister, e.BpRegister, e.Type, e.Signal));
        var old = OrcEntry.Decode(raw, OrcLayout.V3);
        Assert.Equal((OrcRegister.Di, OrcRegister.BpIndirect), (old.SpRegister, old.BpRegister));
        Assert.Equal(OrcRegister.BpIndirect, OrcEntry.Decode(Entry(0, 0, 10 | 4 << 4 | 2 << 8), OrcLayout.V4).SpRegister);
        Assert.Equal(OrcRegister.Di, OrcEntry.Decode(Entry(0, 0, 5 | 3 << 8 | 1 << 11), OrcLayout.V4).SpRegister);
        Assert.Equal(OrcRegister.Undefined, OrcEntry.Decode(Entry(0, 0, 11), OrcLayout.V4).SpRegister);
        Assert.Equal(OrcLayout.V4, OrcTable.LayoutOfHeader(OrcTable.HashV4));
        Assert.Equal(OrcLayout.V4, OrcTable.DetectLayout(null, "7.2.13+deb14-amd64"));
        Assert.Equal(OrcLayout.V3, OrcTable.DetectLayout(null, "7.0.1"));
    }

    private static OrcTable Table(ulong baseAddress, ulong[] ips, short[] spOffsets)
    {
        var ipBytes = new byte[ips.Length * 4];
        var entries = new byte[ips.Length * 6];
        for (int i = 0; i < ips.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(ipBytes.AsSpan(4 * i), (int)(long)(ips[i] - (baseAddress + (ulong)(4 * i))));
            Entry(spOffsets[i], 0, 5 | 2 << 8).CopyTo(entries, 6 * i);
        }
        return OrcTable.Parse(baseAddress, ipBytes, entries, OrcLayout.V3);
    }

    [Fact]
    public void LookupFindsTheEntryCoveringAnIp()
    {
        const ulong Base = 0xffffffff82000000;
        var t = Table(Base, [0xffffffff81000000, 0xffffffff81000010, 0xffffffff81000040], [8, 16, 24]);
        Assert.Null(t.Lookup(0xffffffff80ffffff));
        Assert.Equal((short)8, t.Lookup(0xffffffff81000000)!.Value.Entry.SpOffset);
        Assert.Equal((short)8, t.Lookup(0xffffffff8100000f)!.Value.Entry.SpOffset);
        Assert.Equal((0xffffffff81000010UL, (short)16), (t.Lookup(0xffffffff81000010)!.Value.Start, t.Lookup(0xffffffff81000010)!.Value.Entry.SpOffset));
        Assert.Equal((short)24, t.Lookup(0xffffffff81009999)!.Value.Entry.SpOffset);
    }

    [Fact]
    public void BadTablesAreKernelDataErrors()
    {
        const ulong Base = 0xffffffff82000000;
        Assert.Throws<KernelDataException>(() => Table(Base, [0xffffffff81000040, 0xffffffff81000010], [8, 8]));
        Assert.Throws<KernelDataException>(() => OrcTable.Parse(Base, new byte[8], new byte[6], OrcLayout.V1));
        Assert.Throws<KernelDataException>(() => OrcTable.Parse(Base, new byte[7], new byte[6], OrcLayout.V1));
        var random = new Random(15);
        for (int i = 0; i < 200; i++)
        {
            int n = random.Next(0, 64);
            var ips = new byte[n * 4];
            var entries = new byte[n * 6];
            random.NextBytes(ips);
            random.NextBytes(entries);
            try
            {
                var t = OrcTable.Parse(Base, ips, entries, (OrcLayout)(i % 3));
                t.Lookup((ulong)random.NextInt64());
            }
            catch (KernelDataException)
            {
            }
        }
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61, OrcLayout.V1)]
    [InlineData(RealData.CrashKernel612, OrcLayout.V3)]
    [InlineData(RealData.CrashKernel72, OrcLayout.V4)]
    public void TheDumpsTableAndLayoutAreRead(string kernel, OrcLayout layout)
    {
        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        // BTF's struct orc_entry and the release agree (BTF's bits tell 6.4+ from older ones, the release 7.1's numbering).
        Assert.Equal(OrcTable.DetectLayout(null, mem.Info.OsRelease), OrcTable.DetectLayout(types, mem.Info.OsRelease));
        var orc = OrcTable.Load(mem.TryReadVirtual, symbols, types, mem.Info.OsRelease);
        Assert.Equal(layout, orc.Layout);
        Assert.True(orc.Count > 10_000);
        // Inside an ordinary C function the frame is a call frame (schedule() keeps its return address on the stack).
        ulong schedule = symbols.AddressOf("schedule")!.Value;
        Assert.Equal(OrcType.Call, orc.Lookup(schedule)!.Value.Entry.Type);
        Assert.Equal(OrcRegister.Sp, orc.Lookup(schedule)!.Value.Entry.SpRegister);
        Assert.Equal((short)8, orc.Lookup(schedule)!.Value.Entry.SpOffset);
    }

    [SkippableTheory]
    [InlineData(RealData.CrashKernel61)]
    [InlineData(RealData.CrashKernel612)]
    [InlineData(RealData.CrashKernel72)]
    // The table searched in place in the dump answers as the whole table read and parsed does.
    public void TheTableInTheDumpAnswersAsTheParsedTable(string kernel)
    {
        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
        var inPlace = OrcTable.Load(mem.TryReadVirtual, symbols, types, mem.Info.OsRelease);
        ulong start = symbols.AddressOf("__start_orc_unwind_ip")!.Value, stop = symbols.AddressOf("__stop_orc_unwind_ip")!.Value;
        var ips = new byte[stop - start];
        var entries = new byte[ips.Length / 4 * OrcEntry.Size];
        mem.ReadVirtual(start, ips);
        mem.ReadVirtual(symbols.AddressOf("__start_orc_unwind")!.Value, entries);
        var parsed = OrcTable.Parse(start, ips, entries, inPlace.Layout);
        Assert.Equal(parsed.Count, inPlace.Count);
        int compared = 0;
        foreach (var s in symbols.ByAddress())
        {
            if (s.Type is not ('T' or 't') || s.IsPerCpu)
                continue;
            foreach (ulong ip in new[] { s.Address - 1, s.Address, s.Address + 1, s.Address + 0x21 })
                Assert.Equal(parsed.Lookup(ip), inPlace.Lookup(ip));
            compared++;
        }
        Assert.True(compared > 10_000, $"{compared} functions");
        Assert.Null(inPlace.Lookup(0));
    }

    /// <summary>
    /// orc_types.h of 6.4 on (the newest x86 header found, spelled with __ASSEMBLER__ as from 6.16, is the same): registers
    /// UNDEFINED 0, PREV_SP 1, DX 2, DI 3, BP 4, SP 5, R10 6, R13 7, BP_INDIRECT 8, SP_INDIRECT 9; types UNDEFINED 0,
    /// END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4; bits sp_reg:4 bp_reg:4 type:3 signal:1.
    /// </summary>
    [Theory]
    [InlineData(0, OrcRegister.Undefined)]
    [InlineData(1, OrcRegister.PrevSp)]
    [InlineData(2, OrcRegister.Dx)]
    [InlineData(3, OrcRegister.Di)]
    [InlineData(4, OrcRegister.Bp)]
    [InlineData(5, OrcRegister.Sp)]
    [InlineData(6, OrcRegister.R10)]
    [InlineData(7, OrcRegister.R13)]
    [InlineData(8, OrcRegister.BpIndirect)]
    [InlineData(9, OrcRegister.SpIndirect)]
    public void V3RegistersAreTheHeadersNumbers(int number, OrcRegister register)
    {
        var e = OrcEntry.Decode(Entry(16, -8, number | number << 4 | 2 << 8), OrcLayout.V3);
        Assert.Equal(new OrcEntry(16, -8, register, register, OrcType.Call, false), e);
        for (int type = 0; type <= 4; type++)
            Assert.Equal((OrcType)type, OrcEntry.Decode(Entry(16, -8, number | type << 8 | 1 << 11), OrcLayout.V3).Type);
        Assert.True(OrcEntry.Decode(Entry(16, -8, number | 3 << 8 | 1 << 11), OrcLayout.V3).Signal);
        Assert.Equal(OrcRegister.Undefined, OrcEntry.Decode(Entry(0, 0, 10), OrcLayout.V3).SpRegister); // 10..15: none defined
    }

    [Fact]
    public void TheHeaderHashDecidesTheLayout()
    {
        Assert.Equal(OrcLayout.V3, OrcTable.LayoutOfHeader(OrcTable.HashV3));
        Assert.Equal(OrcLayout.V2, OrcTable.LayoutOfHeader(OrcTable.HashV2));
        var other = OrcTable.HashV3.ToArray();
        other[19] ^= 1;
        Assert.Null(OrcTable.LayoutOfHeader(other));
        Assert.Null(OrcTable.LayoutOfHeader([]));
    }

    /// <summary>
    /// The 6.12 kernel's own .orc_header is the hash OrcTable knows for 6.4's orc_types.h, the 7.2 kernel's the one for 7.1's, and
    /// the table is read with it; the 6.1 kernel has none (BTF and the release decide there).
    /// </summary>
    [SkippableTheory]
    [InlineData(RealData.CrashKernel61, null)]
    [InlineData(RealData.CrashKernel612, OrcLayout.V3)]
    [InlineData(RealData.CrashKernel72, OrcLayout.V4)]
    public void TheDumpsOrcHeaderIsAKnownHash(string kernel, OrcLayout? fromHeader)
    {
        var mem = RealData.OpenMemory(RealData.CrashDump(kernel, "vmcore.elf"));
        using var _ = mem.Dump;
        var symbols = KallsymsTable.Load(mem);
        var header = OrcTable.ReadHeader(mem.TryReadVirtual, symbols);
        Assert.Equal(fromHeader is null, header is null);
        if (header is not null)
        {
            Assert.Equal(fromHeader, OrcTable.LayoutOfHeader(header));
            var types = BtfTypes.Load(mem.TryReadVirtual, symbols);
            Assert.Equal(OrcTable.DetectLayout(types, mem.Info.OsRelease), OrcTable.LayoutOfHeader(header));
            Assert.Equal(fromHeader, OrcTable.Load(mem.TryReadVirtual, symbols, null, "7.1.0").Layout);
        }
    }
}
