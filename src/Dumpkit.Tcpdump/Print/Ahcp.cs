// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>AHCP, the Ad-Hoc Configuration Protocol (UDP 5359): version 1 header, body and, at -vv, options.</summary>
/// <remarks>Specification: draft-chroboczek-ahcp (the Ad-Hoc Configuration Protocol).</remarks>
internal static class Ahcp
{
    private static readonly string[] Messages = ["Discover", "Offer", "Request", "Ack", "Nack", "Release"];

    private static readonly string[] Options =
    [
        "Pad", "Mandatory", "Origin Time", "Expires", "My-IPv6-Address", "My-IPv4-Address", "IPv6 Prefix", "IPv4 Prefix",
        "IPv6 Address", "IPv4 Address", "IPv6 Prefix Delegation", "IPv4 Prefix Delegation", "Name Server", "NTP Server",
    ];

    private static void Invalid(PrintContext nd, int cp, int len)
    {
        nd.PrintInvalid();
        nd.Check(cp, len);
    }

    public static void Print(PrintContext nd, int cp, int len)
    {
        nd.Proto = "ahcp";
        nd.Print("AHCP");
        if (len < 2 || nd.U8(cp) != 43) { Invalid(nd, cp, len); return; }
        cp++; len--;
        int version = nd.U8(cp);
        cp++; len--;
        if (version != 1)
        {
            nd.Print($" Version {version} (unknown)");
            nd.Check(cp, len);
            return;
        }
        nd.Print(" Version 1");
        if (len < 22) { Invalid(nd, cp, len); return; }
        if (nd.Verbose == 0)
        {
            nd.Check(cp, 22);
            cp += 22; len -= 22;
        }
        else
        {
            nd.Print($"\n\tHopcount {nd.U8(cp)}");
            nd.Print($", Original Hopcount {nd.U8(cp + 1)}");
            nd.Print($", Nonce 0x{nd.Be32(cp + 2):x8}");
            // as tcpdump: each id is checked on its own (a capture cut inside the second still shows the first)
            nd.Check(cp + 6, 8);
            nd.Print(", Source Id ");
            nd.HexColon(cp + 6, 8);
            nd.Check(cp + 14, 8);
            nd.Print(", Destination Id ");
            nd.HexColon(cp + 14, 8);
            cp += 22; len -= 22;
        }
        Body(nd, cp, len);
    }

    private static void Body(PrintContext nd, int cp, int len)
    {
        if (len < 4) { Invalid(nd, cp, len); return; }
        int type = nd.U8(cp), mbz = nd.U8(cp + 1), bodyLen = nd.Be16(cp + 2);
        cp += 4; len -= 4;
        if (nd.Verbose > 0)
        {
            nd.Print($"\n\t{(type < Messages.Length ? Messages[type] : $"Unknown-{type}")}");
            if (mbz != 0) nd.Print($", MBZ {mbz}");
            nd.Print($", Length {bodyLen}");
        }
        if (bodyLen > len) { Invalid(nd, cp, len); return; }
        if (nd.Verbose >= 2) OptionList(nd, cp, bodyLen);
        else nd.Check(cp, bodyLen);
    }

    private static void OptionList(PrintContext nd, int cp, int len)
    {
        while (len != 0)
        {
            int no = nd.U8(cp);
            cp++; len--;
            nd.Print($"\n\t {(no < Options.Length ? Options[no] : $"Unknown-{no}")}");
            if (no is 0 or 1) continue;
            if (len == 0) { Invalid(nd, cp, len); return; }
            int olen = nd.U8(cp);
            cp++; len--;
            if (olen > len) { Invalid(nd, cp, len); return; }
            switch (no)
            {
                case 2:
                    if (olen != 4) { Invalid(nd, cp, olen); break; }
                    {
                        var t = DateTimeOffset.FromUnixTimeSeconds(nd.Be32(cp)).UtcDateTime;
                        nd.Print($": {t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC");
                    }
                    break;
                case 3:
                    if (olen != 4) { Invalid(nd, cp, olen); break; }
                    nd.Print($": {nd.Be32(cp)}s");
                    break;
                case 4:
                case 8:
                case 12:
                case 13:
                    AddrList(nd, cp, olen, 16, false);
                    break;
                case 5:
                case 9:
                    AddrList(nd, cp, olen, 4, false);
                    break;
                case 6:
                case 10:
                    AddrList(nd, cp, olen, 16, true);
                    break;
                case 11:
                    AddrList(nd, cp, olen, 4, true);
                    break;
                default:
                    nd.Print($" (Length {olen})");
                    nd.Check(cp, olen);
                    break;
            }
            cp += olen;
            len -= olen;
        }
    }

    private static void AddrList(PrintContext nd, int cp, int len, int alen, bool prefix)
    {
        string sep = ": ";
        int step = alen + (prefix ? 1 : 0);
        while (len != 0)
        {
            if (len < step) { Invalid(nd, cp, len); return; }
            if (alen == 16)
            {
                if (prefix) nd.Print($"{sep}{nd.A6(cp)}/{nd.U8(cp + 16)}");
                else nd.Print($"{sep}{nd.A6(cp)}");
            }
            else
            {
                if (prefix) nd.Print($"{sep}{nd.A4(cp)}/{nd.U8(cp + 4)}");
                else nd.Print($"{sep}{nd.A4(cp)}");
            }
            cp += step;
            len -= step;
            sep = ", ";
        }
    }
}
