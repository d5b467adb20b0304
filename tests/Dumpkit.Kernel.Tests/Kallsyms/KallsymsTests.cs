// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Tests;

public class KallsymsTests
{
    private const ulong Stext = 0xffff_ffff_8120_0000UL;

    private static readonly (char, string, ulong)[] Symbols =
    [
        ('A', "fixed_percpu_data", 0),
        ('A', "__per_cpu_start", 0),
        ('A', "runqueues", 0x31c40),
        ('A', "__per_cpu_end", 0x40000),
        ('T', "startup_64", Stext),
        ('T', "_stext", Stext),
        ('T', "_text_helper", Stext + 0x40),
        ('t', "do_it", Stext + 0x100),
        ('t', "do_it", Stext + 0x200),
        ('T', "panic", Stext + 0x1000),
        ('D', "jiffies_64", Stext + 0x20_0000),
        ('B', "_end", Stext + 0x40_0000),
        ('t', "long_" + new string('x', 300), Stext + 0x30_0000),
    ];

    [Theory]
    [InlineData(KallsymsAddressEncoding.AbsolutePercpu)]
    [InlineData(KallsymsAddressEncoding.BaseRelative)]
    [InlineData(KallsymsAddressEncoding.PlaceRelative)]
    [InlineData(KallsymsAddressEncoding.Absolute)]
    public void EveryEncodingIsFoundByStextAndDecoded(KallsymsAddressEncoding encoding)
    {
        var symbols = encoding == KallsymsAddressEncoding.AbsolutePercpu ? Symbols : Symbols.Where(s => s.Item3 >= Stext).ToArray();
        var image = new KallsymsImage(symbols, encoding);
        var table = KallsymsTable.Load(image.Read, image.Location, twoByteLengths: true);
        Assert.Equal(encoding, table.Encoding);
        Assert.Equal(symbols.Length, table.Count);
        for (int i = 0; i < symbols.Length; i++)
        {
            Assert.Equal(symbols[i].Item2, table[i].Name);
            Assert.Equal(symbols[i].Item1, table[i].Type);
            Assert.Equal(symbols[i].Item3, table[i].Address);
        }
        Assert.Equal(Stext + 0x1000, table.AddressOf("panic"));
        Assert.Equal(2, table.LookupAll("do_it").Count());
        var r = table.Resolve(Stext + 0x1005)!.Value;
        Assert.Equal(("panic", 5UL), (r.Symbol.Name, r.Offset));
        Assert.Equal("startup_64", table.Resolve(Stext)!.Value.Symbol.Name);
        Assert.Null(table.Resolve(Stext - 1));
        Assert.Null(table.Resolve(Stext + 0x50_0000));
    }

    [Fact]
    public void PerCpuSymbolsAreMarkedAndResolved()
    {
        var image = new KallsymsImage(Symbols, KallsymsAddressEncoding.AbsolutePercpu);
        var table = KallsymsTable.Load(image.Read, image.Location, twoByteLengths: true);
        Assert.True(table.Lookup("runqueues")!.Value.IsPerCpu);
        Assert.False(table.Lookup("panic")!.Value.IsPerCpu);
        Assert.Equal(("runqueues", 0x10UL), (table.Resolve(0x31c50)!.Value.Symbol.Name, table.Resolve(0x31c50)!.Value.Offset));
        Assert.Null(table.Resolve(0x50000)); // past the per-CPU area, below the kernel
    }

    [Fact]
    public void BeforeLinux61ALengthByteIsAPlainLength()
    {
        // A 3-token name written with one length byte 0x83 would mean 3 | (next << 7) from 6.1 on.
        var symbols = new (char, string, ulong)[] { ('T', "_stext", Stext), ('T', "x" + new string('y', 130), Stext + 8) };
        var image = new KallsymsImage(symbols, KallsymsAddressEncoding.BaseRelative, twoByteLengths: false);
        var table = KallsymsTable.Load(image.Read, image.Location, twoByteLengths: false);
        Assert.Equal(symbols[1].Item2, table[1].Name);
        Assert.Throws<KernelDataException>(() => KallsymsTable.Load(image.Read, image.Location, twoByteLengths: true));
    }

    [Fact]
    public void AStextThatNoEncodingGivesIsAClearError()
    {
        var image = new KallsymsImage(Symbols, KallsymsAddressEncoding.AbsolutePercpu, stextOverride: Stext + 0x1000);
        var e = Assert.Throws<KernelDataException>(() => KallsymsTable.Load(image.Read, image.Location, true));
        Assert.Contains("_stext", e.Message);
    }

    [Fact]
    public void AVmcoreinfoWithoutKallsymsSaysWhatIsMissing()
    {
        var info = Vmcoreinfo.Parse("OSRELEASE=5.10.0-30-amd64\nSYMBOL(_stext)=ffffffff81000000\n");
        var e = Assert.Throws<KernelDataException>(() => KallsymsLocation.FromVmcoreinfo(info));
        Assert.Contains("kallsyms_names", e.Message);
        Assert.Contains("6.0", e.Message);
    }

    [Fact]
    // Any byte of the tables corrupted: the table loads (names or addresses may differ) or a
    // KernelDataException says why not; nothing else escapes, and nothing hangs.
    public void CorruptTablesGiveAClearErrorOrATable()
    {
        var image = new KallsymsImage(Symbols, KallsymsAddressEncoding.AbsolutePercpu);
        var original = image.Memory.ToArray();
        Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte).Array[1, 8].Sample(edits =>
        {
            original.CopyTo(image.Memory, 0);
            foreach (var (at, value) in edits) image.Memory[at] = value;
            try
            {
                var table = KallsymsTable.Load(image.Read, image.Location, twoByteLengths: true);
                for (int i = 0; i < table.Count; i++)
                    table.Resolve(table[i].Address);
            }
            catch (KernelDataException) { }
        }, iter: 3000);
    }

    [Fact]
    public void AnAbsurdSymbolCountIsRefused()
    {
        var image = new KallsymsImage(Symbols, KallsymsAddressEncoding.AbsolutePercpu);
        BitConverter.GetBytes(0xffff_fff0u).CopyTo(image.Memory, 0);
        var e = Assert.Throws<KernelDataException>(() => KallsymsTable.Load(image.Read, image.Location, true));
        Assert.Contains("kallsyms_num_syms", e.Message);
    }
}
