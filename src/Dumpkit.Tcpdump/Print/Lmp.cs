// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>Link Management Protocol (RFC 4204, UDP 701 or <c>-T lmp</c>): messages and objects, the data link
/// sub-objects of RFC 4204 section 12.12.1, and the service config object of the OIF UNI 1.0 (RFC 4208 context).</summary>
internal static class Lmp
{
    private static string? MsgType(int t) => t switch
    {
        1 => "Config", 2 => "Config ACK", 3 => "Config NACK", 4 => "Hello", 5 => "Begin Verify", 6 => "Begin Verify ACK",
        7 => "Begin Verify NACK", 8 => "End Verify", 9 => "End Verify ACK", 10 => "Test", 11 => "Test Status Success",
        12 => "Test Status Failure", 13 => "Test Status ACK", 14 => "Link Summary", 15 => "Link Summary ACK",
        16 => "Link Summary NACK", 17 => "Channel Status", 18 => "Channel Status ACK", 19 => "Channel Status Request",
        20 => "Channel Status Response", 50 => "Service Config", 51 => "Service Config ACK", 52 => "Service Config NACK",
        _ => null,
    };

    private static string ObjName(int c) => c switch
    {
        1 => "Control Channel ID", 2 => "Node ID", 3 => "Link ID", 4 => "Interface ID", 5 => "Message ID", 6 => "Configuration",
        7 => "Hello", 8 => "Verify Begin", 9 => "Verify Begin ACK", 10 => "Verify ID", 11 => "TE Link", 12 => "Data Link",
        13 => "Channel Status", 14 => "Channel Status Request", 20 => "Error Code", 51 => "Service Config", _ => "Unknown",
    };

    private static string CType(int c, int t) => (c, t) switch
    {
        (1 or 2, 1) => "Local",
        (1 or 2, 2) => "Remote",
        (3 or 4, 1) => "IPv4 Local",
        (3 or 4, 2) => "IPv4 Remote",
        (3 or 4, 3) => "IPv6 Local",
        (3 or 4, 4) => "IPv6 Remote",
        (3 or 4, 5) => "Unnumbered Local",
        (3 or 4, 6) => "Unnumbered Remote",
        (5 or 20, 1) or (6 or 7 or 8 or 9 or 10, 1) or (51, 1) => "1",
        (5 or 20, 2) or (51, 2) => "2",
        (51, 3) => "3",
        (51, 4) => "4",
        (11 or 12 or 13 or 14, 1) => "IPv4",
        (11 or 12 or 13 or 14, 2) => "IPv6",
        (11 or 12 or 13 or 14, 3) => "Unnumbered",
        _ => "Unknown",
    };

    private static readonly Tok[] HeaderFlags = [new(0x01, "Control Channel Down"), new(0x02, "LMP restart")];
    private static readonly Tok[] TeLinkFlags = [new(0x01, "Fault Management Supported"), new(0x02, "Link Verification Supported")];
    private static readonly Tok[] DataLinkFlags = [new(0x01, "Data Link Port"), new(0x02, "Allocated for user traffic"), new(0x04, "Failed link")];
    private static readonly Tok[] BeginVerifyFlags = [new(0x0001, "Verify all links"), new(0x0002, "Data link type")];
    private static readonly Tok[] BeginVerifyErrors =
    [
        new(0x01, "Link Verification Procedure Not supported"), new(0x02, "Unwilling to verify"),
        new(0x04, "Unsupported verification transport mechanism"), new(0x08, "Link-Id configuration error"),
        new(0x10, "Unknown object c-type"),
    ];
    private static readonly Tok[] LinkSummaryErrors =
    [
        new(0x01, "Unacceptable non-negotiable LINK-SUMMARY parameters"), new(0x02, "Renegotiate LINK-SUMMARY parameters"),
        new(0x04, "Invalid TE-LINK Object"), new(0x08, "Invalid DATA-LINK Object"), new(0x10, "Unknown TE-LINK Object c-type"),
        new(0x20, "Unknown DATA-LINK Object c-type"),
    ];
    private static readonly Tok[] SpFlags = [new(0x01, "RSVP Supported"), new(0x02, "LDP Supported")];
    private static readonly Tok[] CpsaTpFlags =
    [
        new(0x01, "Path/VC Overhead Transparency Supported"), new(0x02, "Line/MS Overhead Transparency Supported"),
        new(0x04, "Section/RS Overhead Transparency Supported"),
    ];
    private static readonly Tok[] CpsaCctFlags = [new(0x01, "Contiguous Concatenation Types Supported")];
    private static readonly Tok[] NsaTransparencyFlags =
        [new(0x01, "Standard SOH/RSOH Transparency Supported"), new(0x02, "Standard LOH/MSOH Transparency Supported")];
    private static readonly Tok[] NsaTcmFlags = [new(0x01, "Transparent Tandem Connection Monitoring Supported")];
    private static readonly Tok[] NsaDiversityFlags =
        [new(0x01, "Node Diversity Supported"), new(0x02, "Link Diversity Supported"), new(0x04, "SRLG Diversity Supported")];

    private static string ChannelStatus(uint s) => s switch { 1 => "Signal Okay", 2 => "Signal Degraded", 3 => "Signal Fail", _ => "Unknown" };
    private static string CpsaLinkType(int t) => t switch { 5 => "SDH ITU-T G.707", 6 => "SONET ANSI T1.105", _ => "Unknown" };

    private static string SdhSignal(int t) => t switch
    {
        5 => "VC-3", 6 => "VC-4", 7 => "STM-0", 8 => "STM-1", 9 => "STM-4", 10 => "STM-16", 11 => "STM-64", 12 => "STM-256",
        _ => "Unknown",
    };

    private static string SonetSignal(int t) => t switch
    {
        5 => "STS-1 SPE", 6 => "STS-3c SPE", 7 => "STS-1", 8 => "STM-3", 9 => "STM-12", 10 => "STM-48", 11 => "STM-192",
        12 => "STM-768", _ => "Unknown",
    };

    /// <summary>A bandwidth in bytes/s (IEEE float) as tcpdump prints it: Mbit/s with %.3f, computed in single precision.</summary>
    private static string Mbps(PrintContext nd, int off)
    {
        float f = BitConverter.Int32BitsToSingle((int)nd.Be32(off)) * 8 / 1000000;
        return ((double)f).ToString("F3", CultureInfo.InvariantCulture);
    }

    private static void Bits(PrintContext nd, string prefix, Tok[] t, uint v, string suffix = "")
    {
        nd.Print(prefix);
        Toks.Bits(nd, t, "none", v);
        nd.Print(suffix);
    }

    private static bool DataLinkSubobjects(PrintContext nd, int p, int total, int offset)
    {
        bool hexdump = false;
        while (total > 0 && !hexdump)
        {
            int type = nd.U8(p + offset), len = nd.U8(p + offset + 1);
            string name = type switch { 1 => "Interface Switching Type", 2 => "Wavelength", _ => "Unknown" };
            nd.Print($"\n\t    Subobject, Type: {name} ({type}), Length: {len}");
            if (len < 4) { nd.Print(" (too short)"); break; }
            if (len % 4 != 0) { nd.Print(" (not a multiple of 4)"); break; }
            if (total < len) { nd.Print(" (goes past the end of the object)"); break; }
            switch (type)
            {
                case 1:
                    int sw = nd.U8(p + offset + 2), enc = nd.U8(p + offset + 3);
                    nd.Print($"\n\t      Switching Type: {Gmpls.SwitchCap(sw) ?? "Unknown"} ({sw})");
                    nd.Print($"\n\t      Encoding Type: {Gmpls.Encoding(enc) ?? "Unknown"} ({enc})");
                    nd.Print($"\n\t      Min Reservable Bandwidth: {Mbps(nd, p + offset + 4)} Mbps");
                    nd.Print($"\n\t      Max Reservable Bandwidth: {Mbps(nd, p + offset + 8)} Mbps");
                    break;
                case 2:
                    nd.Print($"\n\t      Wavelength: {nd.Be32(p + offset + 4)}");
                    break;
                default:
                    hexdump = true;
                    break;
            }
            total -= len;
            offset += len;
        }
        return hexdump;
    }

    public static void Print(PrintContext nd, int pptr, int length)
    {
        nd.Proto = "lmp";
        nd.Check(pptr, 8);
        int vr = nd.Be16(pptr), version = (vr & 0xf000) >> 12;
        if (version != 1)
        {
            nd.Print($"LMP version {version} packet not supported");
            return;
        }
        int msgType = nd.U8(pptr + 3);
        if (nd.Verbose < 1)
        {
            nd.Print($"LMPv{version} {MsgType(msgType) ?? $"unknown ({msgType})"} Message, length: {(uint)length}");
            return;
        }
        uint tlen = nd.Be16(pptr + 4);
        nd.Print($"\n\tLMPv{version}, msg-type: {MsgType(msgType) ?? $"unknown, type: {msgType}"}, Flags: [");
        Toks.Bits(nd, HeaderFlags, "none", nd.U8(pptr + 2));
        nd.Print($"], length: {tlen}");
        if (tlen < 8)
        {
            nd.Print(" (too short)");
            return;
        }
        if (tlen > (uint)length)
        {
            nd.Print(" (too long)");
            tlen = (uint)length;
        }
        int tptr = pptr + 8;
        tlen -= 8;
        while (tlen > 0)
        {
            int objLen = nd.Be16(tptr + 2);
            int ctypeByte = nd.U8(tptr), ctype = ctypeByte & 0x7f, cls = nd.U8(tptr + 1);
            string neg = (ctypeByte & 0x80) != 0 ? "" : "non-";
            nd.Print($"\n\t  {ObjName(cls)} Object ({cls}), Class-Type: {CType(cls, ctype)} ({ctype}) Flags: [{neg}negotiable], length: {objLen}");
            if (objLen < 4)
            {
                nd.Print(" (too short)");
                return;
            }
            if (objLen % 4 != 0)
            {
                nd.Print(" (not a multiple of 4)");
                return;
            }
            int p = tptr + 4, tl = objLen - 4;
            nd.Check(tptr, objLen);
            bool hexdump = Object(nd, cls, ctype, p, tl);
            if (nd.Verbose > 1 || hexdump) HexDump.UnknownData(nd, tptr + 4, "\n\t    ", objLen - 4);
            if (tlen < objLen)
            {
                nd.Print($" [remaining objects length {tlen} < {objLen}]");
                nd.PrintInvalid();
                break;
            }
            tptr += objLen;
            tlen -= (uint)objLen;
        }
    }

    private static bool Wrong(PrintContext nd)
    {
        nd.Print(" (not correct for object)");
        return false;
    }

    /// <summary>One object's body; true when tcpdump adds the hex dump.</summary>
    private static bool Object(PrintContext nd, int cls, int ctype, int p, int tl)
    {
        switch (cls)
        {
            case 1:
                if (ctype is not (1 or 2)) return true;
                if (tl != 4) return Wrong(nd);
                nd.Print($"\n\t    Control Channel ID: {nd.Be32(p)} (0x{nd.Be32(p):x8})");
                return false;
            case 3 or 4:
                switch (ctype)
                {
                    case 1 or 2:
                        if (tl != 4) return Wrong(nd);
                        nd.Print($"\n\t    IPv4 Link ID: {nd.A4(p)} (0x{nd.Be32(p):x8})");
                        return false;
                    case 3 or 4:
                        if (tl != 16) return Wrong(nd);
                        nd.Print($"\n\t    IPv6 Link ID: {nd.A6(p)} (0x{nd.Be32(p):x8})");
                        return false;
                    case 5 or 6:
                        if (tl != 4) return Wrong(nd);
                        nd.Print($"\n\t    Link ID: {nd.Be32(p)} (0x{nd.Be32(p):x8})");
                        return false;
                }
                return true;
            case 5:
                if (ctype is not (1 or 2)) return true;
                if (tl != 4) return Wrong(nd);
                nd.Print($"\n\t    Message ID{(ctype == 2 ? " Ack" : "")}: {nd.Be32(p)} (0x{nd.Be32(p):x8})");
                return false;
            case 2:
                if (ctype is not (1 or 2)) return true;
                if (tl != 4) return Wrong(nd);
                nd.Print($"\n\t    Node ID: {nd.A4(p)} (0x{nd.Be32(p):x8})");
                return false;
            case 6:
                if (ctype != 1) return true;
                if (tl != 4) return Wrong(nd);
                nd.Print($"\n\t    Hello Interval: {nd.Be16(p)}\n\t    Hello Dead Interval: {nd.Be16(p + 2)}");
                return false;
            case 7:
                if (ctype != 1) return true;
                if (tl != 8) return Wrong(nd);
                nd.Print($"\n\t    Tx Seq: {nd.Be32(p)}, Rx Seq: {nd.Be32(p + 4)}");
                return false;
            case 11:
                switch (ctype)
                {
                    case 1 or 3:
                        if (tl != 12) return Wrong(nd);
                        Bits(nd, "\n\t    Flags: [", TeLinkFlags, nd.U8(p), "]");
                        if (ctype == 1)
                        {
                            nd.Print($"\n\t    Local Link-ID: {nd.A4(p + 4)} (0x{nd.Be32(p + 4):x8})");
                            nd.Print($"\n\t    Remote Link-ID: {nd.A4(p + 8)} (0x{nd.Be32(p + 8):x8})");
                        }
                        else
                        {
                            nd.Print($"\n\t    Local Link-ID: {nd.Be32(p + 4)} (0x{nd.Be32(p + 4):x8})");
                            nd.Print($"\n\t    Remote Link-ID: {nd.Be32(p + 8)} (0x{nd.Be32(p + 8):x8})");
                        }
                        return false;
                    case 2:
                        if (tl != 36) return Wrong(nd);
                        Bits(nd, "\n\t    Flags: [", TeLinkFlags, nd.U8(p), "]");
                        nd.Print($"\n\t    Local Link-ID: {nd.A6(p + 4)} (0x{nd.Be32(p + 4):x8})");
                        nd.Print($"\n\t    Remote Link-ID: {nd.A6(p + 20)} (0x{nd.Be32(p + 20):x8})");
                        return false;
                }
                return true;
            case 12:
                switch (ctype)
                {
                    case 1 or 3:
                        if (tl < 12) return Wrong(nd);
                        Bits(nd, "\n\t    Flags: [", DataLinkFlags, nd.U8(p), "]");
                        if (ctype == 1)
                        {
                            nd.Print($"\n\t    Local Interface ID: {nd.A4(p + 4)} (0x{nd.Be32(p + 4):x8})");
                            nd.Print($"\n\t    Remote Interface ID: {nd.A4(p + 8)} (0x{nd.Be32(p + 8):x8})");
                        }
                        else
                        {
                            nd.Print($"\n\t    Local Interface ID: {nd.Be32(p + 4)} (0x{nd.Be32(p + 4):x8})");
                            nd.Print($"\n\t    Remote Interface ID: {nd.Be32(p + 8)} (0x{nd.Be32(p + 8):x8})");
                        }
                        return DataLinkSubobjects(nd, p, tl - 12, 12);
                    case 2:
                        if (tl < 36) return Wrong(nd);
                        Bits(nd, "\n\t    Flags: [", DataLinkFlags, nd.U8(p), "]");
                        nd.Print($"\n\t    Local Interface ID: {nd.A6(p + 4)} (0x{nd.Be32(p + 4):x8})");
                        nd.Print($"\n\t    Remote Interface ID: {nd.A6(p + 20)} (0x{nd.Be32(p + 20):x8})");
                        return DataLinkSubobjects(nd, p, tl - 36, 36);
                }
                return true;
            case 8:
                if (ctype != 1) return true;
                if (tl != 20) return Wrong(nd);
                Bits(nd, "\n\t    Flags: ", BeginVerifyFlags, nd.Be16(p));
                nd.Print($"\n\t    Verify Interval: {nd.Be16(p + 2)}");
                nd.Print($"\n\t    Data links: {nd.Be32(p + 4)}");
                nd.Print($"\n\t    Encoding type: {Gmpls.Encoding(nd.U8(p + 8)) ?? "Unknown"}");
                int vtm = nd.Be16(p + 10);
                nd.Print($"\n\t    Verify Transport Mechanism: {vtm} (0x{vtm:x}){((vtm & 8000) != 0 ? " (Payload test messages capable)" : "")}");
                nd.Print($"\n\t    Transmission Rate: {Mbps(nd, p + 12)} Mbps");
                nd.Print($"\n\t    Wavelength: {nd.Be32(p + 16)}");
                return false;
            case 9:
                if (ctype != 1) return true;
                if (tl != 4) return Wrong(nd);
                nd.Print($"\n\t    Verify Dead Interval: {nd.Be16(p)}\n\t    Verify Transport Response: {nd.Be16(p + 2)}");
                return false;
            case 10:
                if (ctype != 1) return true;
                if (tl != 4) return Wrong(nd);
                nd.Print($"\n\t    Verify ID: {nd.Be32(p)}");
                return false;
            case 13:
                {
                    if (ctype is not (1 or 2 or 3)) return true;
                    int idLen = ctype == 2 ? 16 : 4;
                    for (int off = 0; off + idLen + 4 <= tl; off += idLen + 4)
                    {
                        InterfaceId(nd, ctype, p + off);
                        uint s = nd.Be32(p + off + idLen);
                        nd.Print($"\n\t\t    Active: {(s >> 31 != 0 ? "Allocated" : "Non-allocated")} ({s >> 31})");
                        nd.Print($"\n\t\t    Direction: {(((s >> 30) & 1) != 0 ? "Transmit" : "Receive")} ({(s >> 30) & 1})");
                        nd.Print($"\n\t\t    Channel Status: {ChannelStatus(s & 0x3FFFFFF)} ({s & 0x3FFFFFF})");
                    }
                    return false;
                }
            case 14:
                {
                    if (ctype is not (1 or 2 or 3)) return true;
                    int idLen = ctype == 2 ? 16 : 4;
                    for (int off = 0; off + idLen <= tl; off += idLen) InterfaceId(nd, ctype, p + off);
                    return false;
                }
            case 20:
                if (ctype is not (1 or 2)) return true;
                if (tl != 4) return Wrong(nd);
                Bits(nd, "\n\t    Error Code: ", ctype == 1 ? BeginVerifyErrors : LinkSummaryErrors, nd.Be32(p));
                return false;
            case 51:
                return ServiceConfig(nd, ctype, p, tl);
            default:
                if (nd.Verbose <= 1) HexDump.UnknownData(nd, p, "\n\t    ", tl);
                return false;
        }
    }

    private static void InterfaceId(PrintContext nd, int ctype, int p)
    {
        if (ctype == 1) nd.Print($"\n\t    Interface ID: {nd.A4(p)} (0x{nd.Be32(p):x8})");
        else if (ctype == 2) nd.Print($"\n\t    Interface ID: {nd.A6(p)} (0x{nd.Be32(p):x8})");
        else nd.Print($"\n\t    Interface ID: {nd.Be32(p)} (0x{nd.Be32(p):x8})");
    }

    private static bool ServiceConfig(PrintContext nd, int ctype, int p, int tl)
    {
        switch (ctype)
        {
            case 1:
                if (tl != 4) return Wrong(nd);
                Bits(nd, "\n\t Flags: ", SpFlags, nd.U8(p));
                nd.Print($"\n\t  UNI Version: {nd.U8(p + 1)}");
                return false;
            case 2:
                if (tl != 16) return Wrong(nd);
                int lt = nd.U8(p);
                nd.Print($"\n\t Link Type: {CpsaLinkType(lt)} ({lt})");
                if (lt == 5) nd.Print($"\n\t Signal Type: {SdhSignal(nd.U8(p + 1))} ({nd.U8(p + 1)})");
                else if (lt == 6) nd.Print($"\n\t Signal Type: {SonetSignal(nd.U8(p + 1))} ({nd.U8(p + 1)})");
                Bits(nd, "\n\t Transparency: ", CpsaTpFlags, nd.U8(p + 2));
                Bits(nd, "\n\t Contiguous Concatenation Types: ", CpsaCctFlags, nd.U8(p + 3));
                nd.Print($"\n\t Minimum NCC: {nd.Be16(p + 4)}");
                nd.Print($"\n\t Maximum NCC: {nd.Be16(p + 6)}");
                nd.Print($"\n\t Minimum NVC:{nd.Be16(p + 8)}");
                nd.Print($"\n\t Maximum NVC:{nd.Be16(p + 10)}");
                nd.Print($"\n\t    Local Interface ID: {nd.A4(p + 12)} (0x{nd.Be32(p + 12):x8})");
                return false;
            case 3:
                if (tl != 8) return Wrong(nd);
                Bits(nd, "\n\t Transparency Flags: ", NsaTransparencyFlags, nd.Be32(p));
                Bits(nd, "\n\t TCM Monitoring Flags: ", NsaTcmFlags, nd.U8(p + 7));
                return false;
            case 4:
                if (tl != 4) return Wrong(nd);
                Bits(nd, "\n\t Diversity: Flags: ", NsaDiversityFlags, nd.U8(p + 3));
                return false;
        }
        return true;
    }
}
