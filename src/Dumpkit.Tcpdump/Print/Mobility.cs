// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IPv6 Mobility Header (RFC 6275, next header 135 and the old 62) with its options at -v.</summary>
/// <remarks>Specification: RFC 6275.</remarks>
internal static class Mobility
{
    private static readonly string[] Names = ["BRR", "HoTI", "CoTI", "HoT", "CoT", "BU", "BA", "BE"];
    private static readonly int[] MinLen = [8, 16, 16, 24, 24, 12, 12, 24];

    /// <summary>Returns the header length, or -1 after printing the truncation marker.</summary>
    public static int Print(PrintContext nd, int bp)
    {
        nd.Proto = "mobility";
        if (!nd.TTest(bp + 1, 1)) { nd.PrintTrunc(); return -1; }
        int mhlen = (nd.Buf[bp + 1] + 1) << 3;
        int type = nd.U8(bp + 2);
        if (type < Names.Length && mhlen < MinLen[type])
        {
            nd.Print($"(header length {mhlen} is too small for type {type})");
            nd.PrintTrunc();
            return -1;
        }
        if (type < Names.Length) nd.Print($"mobility: {Names[type]}");
        else nd.Print($"mobility: type-#{type}");
        int hlen = 8;
        switch (type)
        {
            case 0:
                break;
            case 1:
            case 2:
                if (nd.Verbose > 0) nd.Print($" {(type == 1 ? "Home" : "Care-of")} Init Cookie={nd.Be32(bp + hlen):x8}:{nd.Be32(bp + hlen + 4):x8}");
                hlen += 8;
                break;
            case 3:
            case 4:
            {
                string who = type == 3 ? "Home" : "Care-of";
                nd.Print($" nonce id=0x{nd.Be16(bp + 6):x}");
                if (nd.Verbose > 0) nd.Print($" {who} Init Cookie={nd.Be32(bp + hlen):x8}:{nd.Be32(bp + hlen + 4):x8}");
                hlen += 8;
                if (nd.Verbose > 0) nd.Print($" {who} Keygen Token={nd.Be32(bp + hlen):x8}:{nd.Be32(bp + hlen + 4):x8}");
                hlen += 8;
                break;
            }
            case 5:
            {
                nd.Print($" seq#={nd.Be16(bp + 6)}");
                nd.Check(bp + hlen, 2);
                int bits = (nd.Buf[bp + hlen] & 0xf0) >> 4;
                if (bits != 0)
                {
                    nd.Print(' ');
                    if ((bits & 8) != 0) nd.Print('A');
                    if ((bits & 4) != 0) nd.Print('H');
                    if ((bits & 2) != 0) nd.Print('L');
                    if ((bits & 1) != 0) nd.Print('K');
                }
                hlen += 2;
                nd.Print($" lifetime={nd.Be16(bp + hlen) << 2}");
                hlen += 2;
                break;
            }
            case 6:
                nd.Print($" status={nd.U8(bp + 6)}");
                if ((nd.U8(bp + 7) & 0x80) != 0) nd.Print(" K");
                nd.Print($" seq#={nd.Be16(bp + hlen)}");
                hlen += 2;
                nd.Print($" lifetime={nd.Be16(bp + hlen) << 2}");
                hlen += 2;
                break;
            case 7:
                nd.Print($" status={nd.U8(bp + 6)}");
                nd.Print($" homeaddr {nd.A6(bp + hlen)}");
                hlen += 16;
                break;
            default:
                nd.Print($" len={nd.U8(bp + 1)}");
                return mhlen;
        }
        if (nd.Verbose > 0 && !Options(nd, bp + hlen, (uint)(mhlen - hlen)))
        {
            nd.PrintTrunc();
            return -1;
        }
        return mhlen;
    }

    /// <summary>Prints the options; false when they run past their length or the capture.</summary>
    private static bool Options(PrintContext nd, int bp, uint len)
    {
        uint optlen;
        for (uint i = 0; i < len; i += optlen)
        {
            int o = bp + (int)i;
            int t = nd.U8(o);
            if (t == 0) optlen = 1;
            else if (i + 1 < len) optlen = (uint)nd.U8(o + 1) + 2;
            else return false;
            if (i + optlen > len) return false;
            if (!nd.TTest(o + (int)optlen, 1)) return false;
            uint left = len - i;
            switch (t)
            {
                case 0:
                    nd.Print("(pad1)");
                    break;
                case 1:
                    if (left < 2) { nd.Print("(padn: trunc)"); return false; }
                    nd.Print("(padn)");
                    break;
                case 2:
                    if (left < 4) { nd.Print("(refresh: trunc)"); return false; }
                    nd.Print($"(refresh: {nd.Be16(o + 2) << 2})");
                    break;
                case 3:
                    if (left < 18) { nd.Print("(altcoa: trunc)"); return false; }
                    nd.Print($"(alt-CoA: {nd.A6(o + 2)})");
                    break;
                case 4:
                    if (left < 6) { nd.Print("(ni: trunc)"); return false; }
                    nd.Print($"(ni: ho=0x{nd.Be16(o + 2):x4} co=0x{nd.Be16(o + 4):x4})");
                    break;
                case 5:
                    if (left < 12) { nd.Print("(auth: trunc)"); return false; }
                    nd.Print("(auth)");
                    break;
                default:
                    if (left < 2) { nd.Print($"(sopt_type {t}: trunc)"); return false; }
                    nd.Print($"(type-0x{t:x2}: len={nd.U8(o + 1)})");
                    break;
            }
        }
        return true;
    }
}
