// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>RPKI-Router protocol (RFC 6810, TCP 323): PDUs, with one level of encapsulated PDU in error reports.</summary>
/// <remarks>Specification: RFC 6810.</remarks>
internal static class RpkiRtr
{
    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "rpki_rtr";
        if (nd.Verbose == 0)
        {
            nd.Print(", RPKI-RTR");
            return;
        }
        uint len = (uint)length;
        while (len != 0)
        {
            uint pduLen = Pdu(nd, p, len, true, 8);
            len -= pduLen;
            p += (int)pduLen;
        }
    }

    private static void Indent(PrintContext nd, int indent)
    {
        nd.Print('\n');
        for (; indent >= 8; indent -= 8) nd.Print('\t');
        for (; indent > 0; indent--) nd.Print(' ');
    }

    private static uint Invalid(PrintContext nd, int p, uint len)
    {
        nd.PrintInvalid();
        nd.Check(p, (int)Math.Min(len, int.MaxValue));
        return len;
    }

    private static uint Pdu(PrintContext nd, int tp, uint len, bool recurse, int indent)
    {
        int version = nd.U8(tp);
        if (version != 0)
        {
            Indent(nd, 8);
            nd.Print($"RPKI-RTRv{version} (unknown)");
            return len;
        }
        if (len < 8)
        {
            nd.Print($"({len} bytes is too few to decode)");
            return Invalid(nd, tp, len);
        }
        nd.Check(tp, 8);
        int type = nd.U8(tp + 1);
        uint pduLen = nd.Be32(tp + 4);
        bool hexdump = false;
        string? tn = type switch
        {
            0 => "Serial Notify", 1 => "Serial Query", 2 => "Reset Query", 3 => "Cache Response", 4 => "IPV4 Prefix",
            6 => "IPV6 Prefix", 7 => "End of Data", 8 => "Cache Reset", 10 => "Error Report", _ => null,
        };
        Indent(nd, 8);
        nd.Print($"RPKI-RTRv{version}, {tn ?? "Unknown"} PDU ({type}), length: {pduLen}");
        if (pduLen < 8 || pduLen > len) return Invalid(nd, tp, len);
        switch (type)
        {
            case 0:
            case 1:
            case 7:
                if (pduLen != 12) return Invalid(nd, tp, len);
                Indent(nd, indent + 2);
                nd.Print($"Session ID: 0x{nd.Be16(tp + 2):x4}, Serial: {nd.Be32(tp + 8)}");
                break;
            case 2:
            case 8:
                if (pduLen != 8) return Invalid(nd, tp, len);
                break;
            case 3:
                if (pduLen != 8) return Invalid(nd, tp, len);
                Indent(nd, indent + 2);
                nd.Print($"Session ID: 0x{nd.Be16(tp + 2):x4}");
                break;
            case 4:
                if (pduLen != 20) return Invalid(nd, tp, len);
                Indent(nd, indent + 2);
                nd.Print($"IPv4 Prefix {nd.A4(tp + 12)}/{nd.U8(tp + 9)}-{nd.U8(tp + 10)}, origin-as {nd.Be32(tp + 16)}, flags 0x{nd.U8(tp + 8):x2}");
                break;
            case 6:
                if (pduLen != 32) return Invalid(nd, tp, len);
                Indent(nd, indent + 2);
                nd.Print($"IPv6 Prefix {nd.A6(tp + 12)}/{nd.U8(tp + 9)}-{nd.U8(tp + 10)}, origin-as {nd.Be32(tp + 28)}, flags 0x{nd.U8(tp + 8):x2}");
                break;
            case 10:
            {
                uint tlen = 8;
                if (pduLen < tlen + 4) return Invalid(nd, tp, len);
                nd.Check(tp, (int)tlen + 4);
                uint encLen = nd.Be32(tp + 8);
                tlen += 4;
                int code = nd.Be16(tp + 2);
                string? cn = code switch
                {
                    0 => "Corrupt Data", 1 => "Internal Error", 2 => "No Data Available", 3 => "Invalid Request",
                    4 => "Unsupported Protocol Version", 5 => "Unsupported PDU Type", 6 => "Withdrawal of Unknown Record",
                    7 => "Duplicate Announcement Received", _ => null,
                };
                Indent(nd, indent + 2);
                nd.Print($"Error code: {cn ?? "Unknown"} ({code}), Encapsulated PDU length: {encLen}");
                if (encLen != 0)
                {
                    if ((ulong)pduLen < (ulong)tlen + encLen) return Invalid(nd, tp, len);
                    if (!recurse) nd.Check(tp, (int)(tlen + encLen));
                    else
                    {
                        Indent(nd, indent + 4);
                        nd.Print("-----encapsulated PDU-----");
                        Pdu(nd, tp + (int)tlen, encLen, false, indent + 2);
                    }
                    tlen += encLen;
                }
                if ((ulong)pduLen < (ulong)tlen + 4) return Invalid(nd, tp, len);
                nd.Check(tp, (int)tlen + 4);
                uint textLen = nd.Be32(tp + (int)tlen);
                tlen += 4;
                if (textLen != 0)
                {
                    if ((ulong)pduLen < (ulong)tlen + textLen) return Invalid(nd, tp, len);
                    Indent(nd, indent + 2);
                    nd.Print("Error text: ");
                    for (uint i = 0; i < textLen; i++) Text.PrintChar(nd, nd.U8(tp + (int)(tlen + i)));
                }
                break;
            }
            default:
                nd.Check(tp, (int)pduLen);
                hexdump = true;
                break;
        }
        if (nd.Verbose > 1 || (nd.Verbose > 0 && hexdump)) HexDump.UnknownData(nd, tp, "\n\t  ", (int)pduLen);
        return pduLen;
    }
}
