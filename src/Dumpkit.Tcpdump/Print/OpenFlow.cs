// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OpenFlow (TCP 6653, 6633): the version-independent header and the loop over the messages of a segment.</summary>
/// <remarks>Specification: OpenFlow Switch Specification 1.0.0 and 1.3.4 (Open Networking Foundation), section
/// "OpenFlow Header" (ofp_header: version, type, length, xid); ONF experimenter IDs from ONF TS-025 (1.5.1) appendix.</remarks>
internal static class OpenFlow
{
    public const int HeaderLen = 8;

    /// <summary>What the message type needs: its name, a body printer, and a fixed (Fix) or minimum (Min) body length.</summary>
    public readonly record struct MsgType(string Name, Action<PrintContext, int, int>? Decoder, char Req, int Value);

    private static string? Version(int v) => v switch
    {
        1 => "1.0", 2 => "1.1", 3 => "1.2", 4 => "1.3", 5 => "1.4", 6 => "1.5", _ => null,
    };

    private static string? OnfExperimenter(uint v) => v switch
    {
        0x4f4e4600 => "ONF Extensions", 0xff000001 => "Budapest University of Technology and Economics",
        0xff000002 => "NoviFlow", 0xff000003 => "L3+ Extensions, Vendor Neutral", 0xff000004 => "L4-L7 Extensions",
        0xff000005 => "Wireless and Mobility Extensions", 0xff000006 => "Forwarding Abstractions Extensions",
        0xff000007 => "Optical Transport Extensions", 0xff000008 => "Network Benchmarking Lab, NCTU",
        0xff000009 => "Mobile Packet Core Extensions", 0xff00000a => "MPLS-TP OpenFlow Extensions for SPTN", _ => null,
    };

    /// <summary>The name of an experimenter (vendor) ID: an OUI when the top octet is 0, else an ONF-assigned ID.</summary>
    public static string VendorName(uint v) => ((v & 0xff000000) == 0 ? Llc.Oui(v) : OnfExperimenter(v)) ?? "unknown";

    /// <summary>" (NAMES)" for the assigned bits set in v, " (bogus)" when a bit outside them (unassigned) is set.</summary>
    public static void Bitmap(PrintContext nd, Tok[] t, uint v, uint unassigned)
    {
        if ((v & ~unassigned) != 0) { nd.Print(" ("); Toks.Bits(nd, t, "", v); nd.Print(')'); }
        if ((v & unassigned) != 0) nd.Print(" (bogus)");
    }

    /// <summary>Unassigned bits of a table: those of no entry.</summary>
    public static uint Unassigned(Tok[] t)
    {
        uint all = 0;
        foreach (var e in t) all |= e.V;
        return ~all;
    }

    /// <summary>Trailing variable-size data: its size, and with -vv its hex and ASCII.</summary>
    public static void Data(PrintContext nd, int cp, int len)
    {
        if (len == 0) return;
        nd.Print($"\n\t data ({len} octets)");
        // a cut dump ends the packet with one " [|openflow]", as tcpdump's hex_and_ascii_print longjmps
        if (nd.Verbose >= 2) HexDump.HexAscii(nd, "\n\t  ", cp, Math.Min(len, nd.Avail(cp)));
        nd.Check(cp, len);
    }

    /// <summary>A name from a table of consecutive values starting at 0, or null.</summary>
    public static string? Name(string[] names, uint v) => v < names.Length ? names[v] : null;

    private static void Message(PrintContext nd, int cp, int len, MsgType? mti)
    {
        if (mti is { } m)
        {
            if ((m.Req == 'F' && len != m.Value) || (m.Req == 'M' && len < m.Value)) nd.PrintInvalid();
            else if (nd.Verbose > 0 && m.Decoder != null) { m.Decoder(nd, cp, len); return; }
        }
        nd.Check(cp, len);
    }

    public static void Print(PrintContext nd, int cp, int len)
    {
        nd.Proto = "openflow";
        nd.Print(": OpenFlow");
        while (len > 0)
        {
            int version = nd.U8(cp);
            cp++; len--;
            nd.Print("\n\tversion ");
            if (Version(version) is { } vs) nd.Print(vs);
            else nd.Print($"unknown (0x{version:x2})");
            if (len < 1) { Partial(nd, cp, len); return; }
            int type = nd.U8(cp);
            cp++; len--;
            MsgType? mti = version == 1 ? OpenFlow10.Identify(type) : version == 4 ? OpenFlow13.Identify(type) : null;
            if (mti is { } m) nd.Print($", type {m.Name}");
            else nd.Print($", type unknown (0x{type:x2})");
            if (len < 2) { Partial(nd, cp, len); return; }
            int length = nd.Be16(cp);
            cp += 2; len -= 2;
            nd.Print($", length {length}{(length < HeaderLen ? " (too short!)" : "")}");
            if (len < 4) { Partial(nd, cp, len); return; }
            nd.Print($", xid 0x{nd.Be32(cp):x8}");
            cp += 4; len -= 4;
            if (length < HeaderLen)
            {
                nd.PrintInvalid();
                nd.Check(cp, len);
                return;
            }
            Message(nd, cp, length - HeaderLen, mti);
            if (length - HeaderLen > len) break;
            cp += length - HeaderLen;
            len -= length - HeaderLen;
        }
    }

    private static void Partial(PrintContext nd, int cp, int len)
    {
        nd.Print(" (end of TCP payload)");
        nd.Check(cp, len);
    }
}
