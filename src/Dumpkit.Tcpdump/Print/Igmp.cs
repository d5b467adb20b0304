// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>IGMP v1/v2/v3 and mtrace.</summary>
/// <remarks>Specification: RFC 1112, RFC 2236, RFC 3376 (IGMP v1-3), draft-ietf-idmr-traceroute-ipm (mtrace).</remarks>
internal static class Igmp
{
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "igmp";
        if (nd.Settings.Quick) { nd.Print("igmp"); return; }
        int t = nd.U8(bp);
        switch (t)
        {
            case 0x11:
                nd.Print("igmp query");
                if (len >= 12) V3Query(nd, bp, len);
                else
                {
                    int mrt = nd.U8(bp + 1);
                    if (mrt != 0)
                    {
                        nd.Print(" v2");
                        if (mrt != 100) nd.Print($" [max resp time {mrt}]");
                    }
                    else nd.Print(" v1");
                    if (nd.Be32(bp + 4) != 0) { nd.Print(" [gaddr "); nd.Ip4(bp + 4); nd.Print("]"); }
                    if (len != 8) nd.Print($" [len {len}]");
                }
                break;
            case 0x12:
                nd.Check(bp + 4, 4);
                nd.Print("igmp v1 report "); nd.Ip4(bp + 4);
                if (len != 8) nd.Print($" [len {len}]");
                break;
            case 0x16:
                nd.Check(bp + 4, 4);
                nd.Print("igmp v2 report "); nd.Ip4(bp + 4);
                break;
            case 0x22:
                nd.Print("igmp v3 report");
                V3Report(nd, bp, len);
                break;
            case 0x17:
                nd.Check(bp + 4, 4);
                nd.Print("igmp leave "); nd.Ip4(bp + 4);
                break;
            case 0x13:
                nd.Print("igmp dvmrp");
                if (len < 8) nd.Print($" [len {len}]");
                else Dvmrp.Print(nd, bp, len);
                break;
            case 0x14:
                nd.Print("igmp pimv1");
                Pim.PrintV1(nd, bp, len);
                break;
            case 0x1e:
                Mtrace(nd, "mresp", bp, len);
                break;
            case 0x1f:
                Mtrace(nd, "mtrace", bp, len);
                break;
            default:
                nd.Print($"igmp-{t}");
                break;
        }
        if (nd.Verbose > 0 && len >= 4 && nd.TTest(bp, len))
        {
            if (Checksum.Compute(nd.Buf.AsSpan(bp, len)) != 0) nd.Print($" bad igmp cksum {nd.Be16(bp + 2):x}!");
        }
    }

    private static void Mtrace(PrintContext nd, string name, int bp, int len)
    {
        if (len < 8 + 16) { nd.Print($" [invalid len {len}]"); return; }
        int tr = bp + 8;
        nd.Check(tr, 16);
        nd.Print($"{name} {nd.Be24(tr + 13)}: ");
        nd.Ip4(tr); nd.Print(" to "); nd.Ip4(tr + 4); nd.Print(" reply-to "); nd.Ip4(tr + 8);
        if ((nd.Be32(tr + 8) & 0xf0000000) == 0xe0000000) nd.Print($" with-ttl {nd.U8(tr + 12)}");
    }

    private static void V3Report(PrintContext nd, int bp, int len)
    {
        if (len < 16 || (len & 3) != 0) { nd.Print($" [invalid len {len}]"); return; }
        int ngroups = nd.Be16(bp + 6);
        nd.Print($", {ngroups} group record(s)");
        if (nd.Verbose == 0) return;
        int group = 8;
        for (int i = 0; i < ngroups; i++)
        {
            if (len < group + 8) { nd.Print(" [invalid number of groups]"); return; }
            nd.Print(" [gaddr "); nd.Ip4(bp + group + 4);
            int t = nd.U8(bp + group);
            nd.Print(' ');
            nd.Print(t switch { 1 => "is_in", 2 => "is_ex", 3 => "to_in", 4 => "to_ex", 5 => "allow", 6 => "block", _ => $" [v3-report-#{t}]" });
            int nsrcs = nd.Be16(bp + group + 2);
            if (len < group + 8 + (nsrcs << 2)) { nd.Print($" [invalid number of sources {nsrcs}]"); return; }
            if (nd.Verbose == 1) nd.Print($", {nsrcs} source(s)");
            else
            {
                nd.Print(" {");
                for (int j = 0; j < nsrcs; j++) { nd.Print(' '); nd.Ip4(bp + group + 8 + (j << 2)); }
                nd.Print(" }");
            }
            group += 8 + (nsrcs << 2);
            nd.Print("]");
        }
    }

    private static void V3Query(PrintContext nd, int bp, int len)
    {
        nd.Print(" v3");
        if (len < 12 || (len & 3) != 0) { nd.Print($" [invalid len {len}]"); return; }
        int mrc = nd.U8(bp + 1);
        int mrt = mrc < 128 ? mrc : ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
        if (mrc != 100)
        {
            nd.Print(" [max resp time ");
            if (mrt < 600) nd.Print($"{(mrt * 0.1).ToString("F1", CultureInfo.InvariantCulture)}s");
            else Text.RelTime(nd, (uint)(mrt / 10));
            nd.Print("]");
        }
        if (nd.Be32(bp + 4) == 0) return;
        nd.Print(" [gaddr "); nd.Ip4(bp + 4);
        int nsrcs = nd.Be16(bp + 10);
        if (nsrcs > 0)
        {
            if (len < 12 + (nsrcs << 2)) nd.Print(" [invalid number of sources]");
            else if (nd.Verbose > 1)
            {
                nd.Print(" {");
                for (int i = 0; i < nsrcs; i++) { nd.Print(' '); nd.Ip4(bp + 12 + (i << 2)); }
                nd.Print(" }");
            }
            else nd.Print($", {nsrcs} source(s)");
        }
        nd.Print("]");
    }
}
