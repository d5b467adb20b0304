// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Kernel.Tests;

public class DmesgTests
{
    private const ulong T = SyntheticKernel.TextBase;

    private static void Text(SyntheticKernel k, ulong paddr, string s) => k.Dump.Write(paddr, Encoding.Latin1.GetBytes(s));

    /// <summary>A 4-descriptor, 256-byte printk ringbuffer (Linux 5.10+ layout, 6.1 offsets).</summary>
    private static SyntheticKernel Ringbuffer()
    {
        var k = new SyntheticKernel(is612: false);
        var d = k.Dump;
        d.WriteU64(0xa0000, T + 0xa0100); // prb → printk_rb_static
        const ulong RbAddr = 0xa0100, DescsAddr = 0xa1000, InfosAddr = 0xa2000, DataAddr = 0xa3000;
        d.WriteU32(RbAddr + 0, 2);             // desc_ring.count_bits
        d.WriteU64(RbAddr + 8, T + DescsAddr);
        d.WriteU64(RbAddr + 16, T + InfosAddr);
        d.WriteU64(RbAddr + 24, 7);            // head_id
        d.WriteU64(RbAddr + 32, 4);            // tail_id
        d.WriteU32(RbAddr + 48, 8);            // text_data_ring.size_bits
        d.WriteU64(RbAddr + 56, T + DataAddr);

        void Record(ulong id, ulong state, ulong begin, ulong next, ulong ts, ushort len, uint caller, string text)
        {
            ulong slot = id % 4;
            d.WriteU64(DescsAddr + slot * 24, (state << 62) | id);
            d.WriteU64(DescsAddr + slot * 24 + 8, begin);
            d.WriteU64(DescsAddr + slot * 24 + 16, next);
            d.WriteU64(InfosAddr + slot * 88 + 8, ts);
            d.WriteU16(InfosAddr + slot * 88 + 16, len);
            d.WriteU32(InfosAddr + slot * 88 + 20, caller);
            ulong at = (begin % 256 > next % 256 ? 0 : begin % 256);
            d.WriteU64(DataAddr + at, id);
            Text(k, DataAddr + at + 8, text);
        }
        Record(4, 2, 64, 64 + 13, 1_000_000_000, 5, 1, "hello");
        Record(5, 1, 16, 16 + 8 + 3, 123_456_789_012, 3, 0x80000001, "a\nb");
        Record(6, 0, 32, 48, 5, 4, 2, "gone");                       // reserved: skipped
        Record(7, 2, 256 + 240, 512 + 8 + 4, 99_999_999_999_999, 9, 12345, "\u00e9ok\u0001\t"); // wraps, text_len cut to 4
        k.Extra["SYMBOL(prb)"] = (T + 0xa0000).ToString("x");
        k.Extra["SYMBOL(clear_seq)"] = (T + 0xa4000).ToString("x");
        foreach (var (key, v) in new (string, int)[]
        {
            ("SIZE(printk_ringbuffer)", 88), ("OFFSET(printk_ringbuffer.desc_ring)", 0), ("OFFSET(printk_ringbuffer.text_data_ring)", 48),
            ("OFFSET(printk_ringbuffer.fail)", 80), ("SIZE(prb_desc_ring)", 48), ("OFFSET(prb_desc_ring.count_bits)", 0),
            ("OFFSET(prb_desc_ring.descs)", 8), ("OFFSET(prb_desc_ring.infos)", 16), ("OFFSET(prb_desc_ring.head_id)", 24),
            ("OFFSET(prb_desc_ring.tail_id)", 32), ("SIZE(prb_desc)", 24), ("OFFSET(prb_desc.state_var)", 0),
            ("OFFSET(prb_desc.text_blk_lpos)", 8), ("SIZE(prb_data_blk_lpos)", 16), ("OFFSET(prb_data_blk_lpos.begin)", 0),
            ("OFFSET(prb_data_blk_lpos.next)", 8), ("SIZE(printk_info)", 88), ("OFFSET(printk_info.seq)", 0),
            ("OFFSET(printk_info.ts_nsec)", 8), ("OFFSET(printk_info.text_len)", 16), ("OFFSET(printk_info.caller_id)", 20),
            ("SIZE(prb_data_ring)", 32), ("OFFSET(prb_data_ring.size_bits)", 0), ("OFFSET(prb_data_ring.data)", 8),
            ("SIZE(atomic_long_t)", 8), ("OFFSET(atomic_long_t.counter)", 0), ("SIZE(latched_seq)", 24), ("OFFSET(latched_seq.val)", 8),
        })
            k.Extra[key] = v.ToString();
        // clear_seq: a latched_seq {seqcount, val[2]}; odd seqcount selects val[1] = 6.
        d.WriteU64(0xa4000, 1);
        d.WriteU64(0xa4008, 0);
        d.WriteU64(0xa4010, 6);
        k.Refresh();
        return k;
    }

    private const string Line4 = "[    1.000000] [      T1] hello\n";
    private const string Line5 = "[  123.456789] [      C1] a\n                          b\n";
    private const string Line7 = "[99999.999999] [  T12345] \\xffffffe9ok\\x01\n";

    [Fact]
    public void RingbufferRecordsAsUpstreamPrintsThem()
    {
        var k = Ringbuffer();
        var bytes = Dmesg.Extract(k.Dump, k.Info, partial: false);
        Assert.Equal(Line4 + Line5 + Line7, Encoding.Latin1.GetString(bytes));
    }

    [Fact]
    public void PartialStartsAtClearSeq()
    {
        var k = Ringbuffer();
        var bytes = Dmesg.Extract(k.Dump, k.Info, partial: true);
        Assert.Equal(Line7, Encoding.Latin1.GetString(bytes));
    }

    [Fact]
    public void CorruptIdsDoNotHang()
    {
        var k = Ringbuffer();
        k.Dump.WriteU64(0xa0100 + 32, 0x1234_5678_9abc); // tail_id far from head_id
        var w = new StringWriter();
        var bytes = Dmesg.Extract(k.Dump, k.Info, false, w);
        Assert.Contains("cut short", w.ToString());
        Assert.True(bytes.Length < 4096);
    }

    [Fact]
    public void MissingRingbufferMemoryThrowsKernelDataException()
    {
        var k = Ringbuffer();
        k.Dump.WriteU64(0xa0000, 0xffff_c900_0000_0000UL);
        Assert.Throws<KernelDataException>(() => Dmesg.Extract(k.Dump, k.Info, false));
    }

    /// <summary>Linux 3.5–5.9 log_buf: records "older" at 80, a wrap marker at 104, "newer" at 0.</summary>
    private static SyntheticKernel LogBuf(bool withCaller)
    {
        var k = new SyntheticKernel(is612: false);
        var d = k.Dump;
        const ulong BufAddr = 0xa8000;
        d.WriteU64(0xa7000, T + BufAddr);      // log_buf (a pointer)
        d.WriteU32(0xa7008, 128);          // log_buf_len
        d.WriteU32(0xa7010, 80);           // log_first_idx
        d.WriteU32(0xa7018, 24);           // log_next_idx
        void Rec(ulong at, ulong ts, ushort len, string text, uint caller)
        {
            d.WriteU64(BufAddr + at, ts);
            d.WriteU16(BufAddr + at + 8, len);
            d.WriteU16(BufAddr + at + 10, (ushort)text.Length);
            d.WriteU32(BufAddr + at + 12, caller);
            Text(k, BufAddr + at + 16, text);
        }
        Rec(80, 2_500_000, 24, "older", 7);
        Rec(0, 3_000_000_000, 24, "newer", 0x80000000);
        d.WriteU16(BufAddr + 104 + 8, 0); // wrap marker
        k.Extra["OSRELEASE"] = "5.4.0-1-amd64";
        k.Extra["SYMBOL(log_buf)"] = (T + 0xa7000).ToString("x");
        k.Extra["SYMBOL(log_buf_len)"] = (T + 0xa7008).ToString("x");
        k.Extra["SYMBOL(log_first_idx)"] = (T + 0xa7010).ToString("x");
        k.Extra["SYMBOL(log_next_idx)"] = (T + 0xa7018).ToString("x");
        k.Extra["SIZE(printk_log)"] = "16";
        k.Extra["OFFSET(printk_log.ts_nsec)"] = "0";
        k.Extra["OFFSET(printk_log.len)"] = "8";
        k.Extra["OFFSET(printk_log.text_len)"] = "10";
        if (withCaller) k.Extra["OFFSET(printk_log.caller_id)"] = "12";
        k.Refresh();
        return k;
    }

    [Theory]
    [InlineData(false, "[    0.002500] older\n[    3.000000] newer\n")]
    [InlineData(true, "[    0.002500] [      T7] older\n[    3.000000] [      C0] newer\n")]
    public void LegacyLogBufRecordsWrapAround(bool caller, string expected)
    {
        var k = LogBuf(caller);
        Assert.Equal(expected, Encoding.Latin1.GetString(Dmesg.Extract(k.Dump, k.Info, false)));
    }

    [Fact]
    public void LegacyLogBufCycleIsReportedNotLooped()
    {
        var k = LogBuf(false);
        k.Dump.WriteU32(0xa7018, 17); // log_next_idx that the walk never meets
        var w = new StringWriter();
        Dmesg.Extract(k.Dump, k.Info, false, w);
        Assert.Contains("log_buf is most likely corrupted", w.ToString());
    }

    [Fact]
    public void PreRecordLogBufIsRawText()
    {
        var k = new SyntheticKernel(is612: false);
        k.Dump.WriteU64(0xa7000, T + 0xa8000);
        k.Dump.WriteU32(0xa7008, 16);
        k.Dump.WriteU32(0xa7010, 20); // log_end: wrapped by 4
        Text(k, 0xa8000, "WXYZabcdefghijkl");
        k.Extra["OSRELEASE"] = "2.6.32-5-amd64";
        k.Extra["SYMBOL(log_buf)"] = (T + 0xa7000).ToString("x");
        k.Extra["SYMBOL(log_buf_len)"] = (T + 0xa7008).ToString("x");
        k.Extra["SYMBOL(log_end)"] = (T + 0xa7010).ToString("x");
        k.Refresh();
        Assert.Equal("abcdefghijklWXYZ", Encoding.Latin1.GetString(Dmesg.Extract(k.Dump, k.Info, false)));
    }
}
