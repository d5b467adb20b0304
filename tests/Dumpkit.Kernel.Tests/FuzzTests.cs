// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Mm;
using CsCheck;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Tests;

/// <summary>Whatever VMCOREINFO says, filtering and log extraction end, without exceptions other than KernelDataException.</summary>
public class FuzzTests
{
    private static readonly string[] Keys =
    [
        "SIZE(page)", "OFFSET(page.flags)", "OFFSET(page._refcount)", "OFFSET(page.mapping)", "OFFSET(page._mapcount)",
        "OFFSET(page.private)", "OFFSET(page.compound_head)", "OFFSET(page.compound_order)", "OFFSET(page.compound_dtor)",
        "OFFSET(folio._folio_order)", "LENGTH(zone.free_area)", "NUMBER(PG_lru)", "NUMBER(PG_private)", "NUMBER(PG_slab)",
        "NUMBER(PG_head_mask)", "NUMBER(PG_hwpoison)", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)",
        "SIZE(mem_section)", "LENGTH(mem_section)", "NUMBER(SECTION_SIZE_BITS)", "NUMBER(MAX_PHYSMEM_BITS)",
        "NUMBER(pgtable_l5_enabled)", "NUMBER(sme_mask)", "NUMBER(phys_base)", "OSRELEASE",
    ];

    private static readonly Gen<string> Value = Gen.OneOf(
        Gen.Int[-70, 300].Select(i => i.ToString()),
        Gen.Long.Select(l => l.ToString()),
        Gen.Const("4.9.0"), Gen.Const("2.6.20"), Gen.Const("x"), Gen.Const(""));

    [Fact]
    public void LyingVmcoreinfoNeverThrowsNorHangs()
    {
        var k = new SyntheticKernel();
        k.SetPage(0x200, mapcount: k.BuddyValue, priv: 3);
        k.SetCompound(0x400, 9, mapping: 0xffff_8880_0000_0001UL);
        k.SetPage(0x210, flags: 1UL << k.PgLru);
        string baseText = k.VmcoreinfoText();
        Gen.Select(Gen.Int[0, Keys.Length - 1], Value).Array[1, 4].Sample(edits =>
        {
            var lines = baseText.Split('\n').ToList();
            foreach (var (i, v) in edits)
            {
                lines.RemoveAll(l => l.StartsWith(Keys[i] + "=", StringComparison.Ordinal));
                lines.Insert(0, $"{Keys[i]}={v}");
            }
            var info = Vmcoreinfo.Parse(string.Join('\n', lines));
            foreach (int level in new[] { 0, 8, 31 })
            {
                var f = PageFilter.Create(k.Dump, info, (DumpLevel)level, TextWriter.Null);
                var bits = k.AllRam();
                f.Exclude(0, SyntheticKernel.Frames, bits);
                f.Exclude(0x3ff, 0x401, bits);
            }
            try { Dmesg.Extract(k.Dump, info, false); }
            catch (KernelDataException) { }
        }, iter: 300);
    }

    [Fact]
    public void RandomRingbufferNeverThrowsUnexpectedly()
    {
        var k = new SyntheticKernel(is612: false);
        foreach (var (key, v) in new (string, string)[]
        {
            ("SYMBOL(prb)", (SyntheticKernel.TextBase + 0xa0000).ToString("x")), ("SIZE(printk_ringbuffer)", "88"),
            ("OFFSET(printk_ringbuffer.desc_ring)", "0"), ("OFFSET(printk_ringbuffer.text_data_ring)", "48"),
            ("OFFSET(prb_desc_ring.count_bits)", "0"), ("OFFSET(prb_desc_ring.descs)", "8"), ("OFFSET(prb_desc_ring.infos)", "16"),
            ("OFFSET(prb_desc_ring.head_id)", "24"), ("OFFSET(prb_desc_ring.tail_id)", "32"), ("SIZE(prb_desc)", "24"),
            ("OFFSET(prb_desc.state_var)", "0"), ("OFFSET(prb_desc.text_blk_lpos)", "8"), ("OFFSET(prb_data_blk_lpos.begin)", "0"),
            ("OFFSET(prb_data_blk_lpos.next)", "8"), ("SIZE(printk_info)", "88"), ("OFFSET(printk_info.ts_nsec)", "8"),
            ("OFFSET(printk_info.text_len)", "16"), ("OFFSET(printk_info.caller_id)", "20"), ("OFFSET(prb_data_ring.size_bits)", "0"),
            ("OFFSET(prb_data_ring.data)", "8"), ("OFFSET(atomic_long_t.counter)", "0"),
        })
            k.Extra[key] = v;
        k.Refresh();
        var info = k.Info;
        Gen.Byte.Array[0x5000].Sample(junk =>
        {
            k.Dump.Write(0xa0100, junk); // ringbuffer header, descriptors, infos, text: all random
            k.Dump.WriteU64(0xa0000, SyntheticKernel.TextBase + 0xa0100);
            k.Dump.WriteU32(0xa0100, (uint)(junk[0] % 6));   // keep the ring small enough to be read
            k.Dump.WriteU32(0xa0100 + 48, (uint)(junk[1] % 12));
            k.Dump.WriteU64(0xa0100 + 8, SyntheticKernel.TextBase + 0xa1000);
            k.Dump.WriteU64(0xa0100 + 16, SyntheticKernel.TextBase + 0xa2000);
            k.Dump.WriteU64(0xa0100 + 56, SyntheticKernel.TextBase + 0xa3000);
            try { Dmesg.Extract(k.Dump, info, junk[2] % 2 == 0, TextWriter.Null); }
            catch (KernelDataException) { }
        }, iter: 300);
    }
}
