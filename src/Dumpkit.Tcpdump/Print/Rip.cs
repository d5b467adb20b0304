// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>RIP v1/v2 (UDP 520) with simple and keyed authentication.</summary>
/// <remarks>Specification: RFC 1058 (v1), RFC 2453 (v2), RFC 4822 (keyed authentication).</remarks>
internal static class Rip
{
    private static string Af(int f) => f switch
    {
        2 => "IPv4", 6 => "NS", 7 => "ISO", 16 => "Appletalk", 23 => "IPX", 24 or 28 or 30 => "IPv6", _ => $"Unknown ({f})",
    };

    private static int MaskLen(uint m)
    {
        for (int p = 32; p >= 0; p--)
            if ((p == 0 ? 0u : 0xffffffffu << (32 - p)) == m) return p;
        return -1;
    }

    private static int EntryV1(PrintContext nd, int p, int remaining)
    {
        if (remaining < 20) return 0;
        if (!nd.TTest(p, 20)) return 0;
        int family = nd.Be16(p);
        if (family != 2 && family != 0)
        {
            nd.Print($"\n\t AFI {Af(family)}, ");
            HexDump.UnknownData(nd, p + 4, "\n\t  ", 16);
            return 20;
        }
        if (nd.Be16(p + 2) != 0 || nd.Be32(p + 8) != 0 || nd.Be32(p + 12) != 0)
        {
            HexDump.UnknownData(nd, p, "\n\t  ", 20);
            return 20;
        }
        if (family == 0) nd.Print($"\n\t  AFI 0, {nd.A4(p + 4)}, metric: {nd.Be32(p + 16)}");
        else nd.Print($"\n\t  {nd.A4(p + 4)}, metric: {nd.Be32(p + 16)}");
        return 20;
    }

    private static int EntryV2(PrintContext nd, int p, int remaining)
    {
        if (remaining < 4) return 0;
        if (!nd.TTest(p, 4)) return 0;
        int family = nd.Be16(p);
        if (family == 0xffff)
        {
            int auth = nd.Be16(p + 2);
            p += 4; remaining -= 4;
            if (auth == 2)
            {
                nd.Print("\n\t  Simple Text Authentication data: ");
                for (int i = 0; i < 16; i++)
                {
                    byte c = nd.U8(p + i);
                    if (c == 0) break;
                    Text.PrintChar(nd, c);
                }
            }
            else if (auth == 3)
            {
                if (!nd.TTest(p, 16)) return 0;
                if (remaining < 16) return 0;
                nd.Print("\n\t  Auth header:");
                nd.Print($" Packet Len {nd.Be16(p)},");
                nd.Print($" Key-ID {nd.U8(p + 2)},");
                nd.Print($" Auth Data Len {nd.U8(p + 3)},");
                nd.Print($" SeqNo {nd.Be32(p + 4)},");
                nd.Print($" MBZ {nd.Be32(p + 8)},");
                nd.Print($" MBZ {nd.Be32(p + 12)}");
            }
            else if (auth == 1)
            {
                nd.Print("\n\t  Auth trailer:");
                HexDump.UnknownData(nd, p, "\n\t  ", remaining);
                return 4 + remaining;
            }
            else
            {
                nd.Print($"\n\t  Unknown ({auth}) Authentication data:");
                HexDump.UnknownData(nd, p, "\n\t  ", remaining);
                return 4 + remaining;
            }
        }
        else if (family != 2 && family != 0)
        {
            nd.Print($"\n\t  AFI {Af(family)}");
            HexDump.UnknownData(nd, p + 4, "\n\t  ", 16);
        }
        else
        {
            if (!nd.TTest(p, 20)) return 0;
            if (remaining < 20) return 0;
            string af = family == 2 ? "IPv4" : "0";
            var dst = nd.A4(p + 4).ToString();
            nd.Print($"\n\t  AFI {af}, {dst,15}/{MaskLen(nd.Be32(p + 8)),-2}, tag 0x{nd.Be16(p + 2):x4}, metric: {nd.Be32(p + 16)}, next-hop: ");
            if (nd.Be32(p + 12) != 0) nd.Print($"{nd.A4(p + 12)}");
            else nd.Print("self");
        }
        return 20;
    }

    public static void Print(PrintContext nd, int dat, int length)
    {
        nd.Proto = "rip";
        if (nd.SnapEnd < dat) { nd.PrintTrunc(); return; }
        int len = nd.Avail(dat);
        if (len > length) len = length;
        if (len < 4) { nd.PrintTrunc(); return; }
        len -= 4;
        int vers = nd.U8(dat + 1);
        nd.Print($"{(nd.Verbose >= 1 ? "\n\t" : "")}RIPv{vers}");
        if (vers == 0) { HexDump.UnknownData(nd, dat, "\n\t", length); return; }
        int cmd = nd.U8(dat);
        nd.Print($", {cmd switch { 1 => "Request", 2 => "Response", 3 => "Trace on",
            4 => "Trace off", 5 => "Poll", 6 => "Poll Entry", _ => $"unknown command ({cmd})" }}, length: {length}");
        if (nd.Verbose < 1) return;
        switch (cmd)
        {
            case 1:
            case 2:
                if (vers is 1 or 2)
                {
                    nd.Print(vers == 1 ? $", routes: {length / 20}" : $", routes: {length / 20} or less");
                    int p = dat + 4;
                    while (len != 0)
                    {
                        int sz = vers == 1 ? EntryV1(nd, p, len) : EntryV2(nd, p, len);
                        if (sz == 0) { nd.PrintTrunc(); break; }
                        if (len < sz) { nd.Print($" [remaining entries length {len} < {sz}]"); nd.PrintInvalid(); break; }
                        p += sz; len -= sz;
                    }
                }
                else nd.Print(", unknown version");
                break;
            case 4: case 5: case 6:
                break;
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, dat, "\n\t", length);
                break;
        }
        if (nd.Verbose > 1) HexDump.UnknownData(nd, dat, "\n\t", length);
    }
}
