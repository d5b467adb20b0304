// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>NTP time messages (client/server/broadcast/symmetric) and control messages.</summary>
/// <remarks>Specification: RFC 5905 (and RFC 1305 for control messages).</remarks>
internal static class Ntp
{
    private const double FMaxInt = 4294967296.0;

    private static string Mode(int m) => m switch
    {
        0 => "unspecified", 1 => "symmetric active", 2 => "symmetric passive", 3 => "Client", 4 => "Server",
        5 => "Broadcast", 6 => "Control Message", 7 => "Reserved", _ => "Unknown mode",
    };

    public static void Print(PrintContext nd, int cp, int length)
    {
        nd.Proto = "ntp";
        int status = nd.U8(cp);
        int version = (status & 0x38) >> 3;
        nd.Print($"NTPv{version}");
        int mode = status & 7;
        if (nd.Verbose == 0)
        {
            nd.Print($", {Mode(mode)}, length {length}");
            return;
        }
        nd.Print($", {Mode(mode)}, length {length}\n");
        int leap = status & 0xc0;
        string ls = leap switch { 0 => "", 0x40 => "+1s", 0x80 => "-1s", _ => "clock unsynchronized" };
        nd.Print($"\tLeap indicator: {ls} ({leap})");
        switch (mode)
        {
            case 0: case 1: case 2: case 3: case 4: case 5:
                TimeMsg(nd, cp, length);
                break;
            case 6:
                Control(nd, cp, length);
                break;
        }
    }

    private static void TimeMsg(PrintContext nd, int bp, int length)
    {
        if (length < 48)
        {
            nd.PrintInvalid();
            nd.Check(bp, length);
            return;
        }
        int stratum = nd.U8(bp + 1);
        string sn = stratum switch { 0 => "unspecified", 1 => "primary reference", >= 2 and <= 15 => "secondary reference", _ => "reserved" };
        nd.Print($", Stratum {stratum} ({sn})");
        int poll = (sbyte)nd.U8(bp + 2);
        nd.Print($", poll {poll}");
        if (poll > -32 && poll < 32)
        {
            if (poll >= 0) nd.Print($" ({1U << poll}s)");
            else nd.Print($" (1/{1U << -poll}s)");
        }
        nd.Print($", precision {(sbyte)nd.U8(bp + 3)}");
        if (!nd.TTest(bp + 4, 4)) goto trunc;
        nd.Print("\n\tRoot Delay: ");
        SFix(nd, bp + 4);
        if (!nd.TTest(bp + 8, 4)) goto trunc;
        nd.Print(", Root dispersion: ");
        SFix(nd, bp + 8);
        if (!nd.TTest(bp + 12, 4)) goto trunc;
        nd.Print(", Reference-ID: ");
        switch (stratum)
        {
            case 0: nd.Print("(unspec)"); break;
            case 1:
                for (int k = 0; k < 4; k++) Text.PrintChar(nd, nd.U8(bp + 12 + k));
                break;
            case 62: nd.Ip4(bp + 12); nd.Print(" INFO_QUERY"); return;
            case 63: nd.Ip4(bp + 12); nd.Print(" INFO_REPLY"); return;
            default: nd.Print($"0x{nd.Be32(bp + 12):x8}"); break;
        }
        if (!nd.TTest(bp + 16, 8)) goto trunc;
        nd.Print("\n\t  Reference Timestamp:  ");
        Time(nd, bp + 16);
        if (!nd.TTest(bp + 24, 8)) goto trunc;
        nd.Print("\n\t  Originator Timestamp: ");
        Time(nd, bp + 24);
        if (!nd.TTest(bp + 32, 8)) goto trunc;
        nd.Print("\n\t  Receive Timestamp:    ");
        Time(nd, bp + 32);
        if (!nd.TTest(bp + 40, 8)) goto trunc;
        nd.Print("\n\t  Transmit Timestamp:   ");
        Time(nd, bp + 40);
        nd.Print("\n\t    Originator - Receive Timestamp:  ");
        Delta(nd, bp + 24, bp + 32);
        nd.Print("\n\t    Originator - Transmit Timestamp: ");
        Delta(nd, bp + 24, bp + 40);
        if (length == 52) nd.Print($"\n\tKey id: {nd.Be32(bp + 48)}");
        else if (length == 68)
        {
            nd.Print($"\n\tKey id: {nd.Be32(bp + 48)}");
            if (!nd.TTest(bp + 52, 16)) goto trunc;
            nd.Print($"\n\tAuthentication: {nd.Be32(bp + 52):x8}{nd.Be32(bp + 56):x8}{nd.Be32(bp + 60):x8}{nd.Be32(bp + 64):x8}");
        }
        else if (length == 72)
        {
            nd.Print($"\n\tKey id: {nd.Be32(bp + 48)}");
            if (!nd.TTest(bp + 52, 20)) goto trunc;
            nd.Print($"\n\tAuthentication: {nd.Be32(bp + 52):x8}{nd.Be32(bp + 56):x8}{nd.Be32(bp + 60):x8}{nd.Be32(bp + 64):x8}{nd.Be32(bp + 68):x8}");
        }
        else if (length > 48) nd.Print($"\n\t({length - 48} more bytes after the header)");
        return;
    trunc:
        nd.PrintTrunc();
    }

    private static void Control(PrintContext nd, int cd, int length)
    {
        if (length < 12)
        {
            nd.PrintInvalid();
            nd.Check(cd, length);
            return;
        }
        int control = nd.U8(cd + 1);
        nd.Print($", {((control & 0x80) != 0 ? "Response" : "Request")}, {((control & 0x40) != 0 ? "Error" : "OK")}" +
            $", {((control & 0x20) != 0 ? "More" : "Last")}, OpCode={control & 0x1f}\n");
        nd.Print($"\tSequence={nd.Be16(cd + 2)}");
        int status = nd.Be16(cd + 4);
        nd.Print(status == 0 ? ", Status=0" : $", Status=0x{status:x}");
        nd.Print($", Assoc.={nd.Be16(cd + 6)}");
        nd.Print($", Offset={nd.Be16(cd + 8)}");
        int count = nd.Be16(cd + 10);
        nd.Print($", Count={count}");
        if (12 + count > length)
        {
            nd.PrintInvalid();
            nd.Check(cd, length);
            return;
        }
        if (count != 0)
        {
            if (!nd.TTest(cd + 12, count)) { nd.PrintTrunc(); return; }
            nd.Print("\n\tTO-BE-DONE: data not interpreted");
        }
    }

    private static void SFix(PrintContext nd, int p)
    {
        int i = nd.Be16(p);
        int f = nd.Be16(p + 2);
        double ff = f / 65536.0;
        f = (int)(ff * 1000000.0);
        nd.Print($"{i}.{f:D6}");
    }

    public static void Time(PrintContext nd, int p)
    {
        uint i = nd.Be32(p);
        uint uf = nd.Be32(p + 4);
        double ff = uf / FMaxInt;
        uint f = (uint)(ff * 1000000000.0);
        nd.Print($"{i}.{f:D9}");
        if (i != 0)
        {
            long secs = (long)i - 2208988800L;
            var t = DateTimeOffset.FromUnixTimeSeconds(secs).UtcDateTime;
            nd.Print($" ({t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)})");
        }
    }

    private static void Delta(PrintContext nd, int olfp, int lfp)
    {
        uint u = nd.Be32(lfp), ou = nd.Be32(olfp), uf = nd.Be32(lfp + 4), ouf = nd.Be32(olfp + 4);
        if (ou == 0 && ouf == 0) { Time(nd, lfp); return; }
        bool neg;
        uint i, f;
        if (u > ou) { neg = false; i = u - ou; f = uf - ouf; if (ouf > uf) i -= 1; }
        else if (u < ou) { neg = true; i = ou - u; f = ouf - uf; if (uf > ouf) i -= 1; }
        else
        {
            i = 0;
            if (uf > ouf) { neg = false; f = uf - ouf; }
            else { neg = true; f = ouf - uf; }
        }
        double ff = f / FMaxInt;
        f = (uint)(ff * 1000000000.0);
        nd.Print($"{(neg ? "-" : "+")}{i}.{f:D9}");
    }
}
