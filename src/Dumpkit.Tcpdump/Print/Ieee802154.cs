// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IEEE 802.15.4 MAC frames (LINKTYPE_IEEE802_15_4_WITHFCS, _NOFCS and _TAP) as tcpdump 4.99.3 prints
/// them: frame control, sequence number, PAN IDs and addresses, the auxiliary security header, header and payload IEs,
/// MIC and FCS (a 4- or 2-octet FCS is recognised by its CRC), beacon and MAC command payloads, multipurpose frames.</summary>
/// <remarks>Specification: IEEE 802.15.4-2015, 7.2 (general frame format, FCS in 7.2.10), 7.3 (frame formats), 7.4 (IEs),
/// 7.5 (MAC commands), 9.4 (auxiliary security header).</remarks>
internal static partial class Ieee802154
{
    /// <summary>The link printer: returns what tcpdump counts as the link header (the -x dump starts there).</summary>
    public static int IfPrint(PrintContext nd, int caplen)
    {
        nd.Proto = "802.15.4";
        return Print(nd, 0, (uint)caplen);
    }

    /// <summary>LINKTYPE_IEEE802_15_4_TAP: a pseudo-header (version 0, its length at offset 2, TLVs) before the frame.</summary>
    /// <remarks>Specification: the IEEE 802.15.4 TAP format (github.com/jkcko/ieee802.15.4-tap); tcpdump skips its TLVs.</remarks>
    public static int TapIfPrint(PrintContext nd, int caplen)
    {
        nd.Proto = "802.15.4_tap";
        if (caplen < 4) { nd.PrintTrunc(); return caplen; }
        int version = nd.U8(0), length = nd.Le16(2);
        if (version != 0 || length < 4) { nd.PrintInvalid(); return 0; }
        if (caplen < length) { nd.PrintTrunc(); return caplen; }
        return Print(nd, length, (uint)(caplen - length)) + length;
    }

    public static int Print(PrintContext nd, int p, uint caplen)
    {
        nd.Proto = "802.15.4";
        if (caplen < 2) { nd.PrintTrunc(); return (int)caplen; }
        int fc = nd.Le16(p);
        int type = fc & 7;
        nd.Print($"IEEE 802.15.4 {FrameTypes[type]} packet ");
        return type switch
        {
            <= 3 => StdFrame(nd, p, caplen, fc),
            5 => MultipurposeFrame(nd, p, caplen, fc),
            _ => 0, // reserved, fragment (not decoded by tcpdump either) and extended frames
        };
    }

    /// <summary>Beacon, data, acknowledgement and MAC command frames (7.3.1 to 7.3.4). Returns 0 where tcpdump gives up.</summary>
    private static int StdFrame(PrintContext nd, int p, uint caplen, int fc)
    {
        var (fcs, crc) = StripFcs(nd, p, ref caplen, 4);
        int version = (fc >> 12) & 3;
        int type = fc & 7;
        nd.Print($"v{version} ");
        if (nd.Verbose > 2)
        {
            if (Bit(fc, 3)) nd.Print("Security Enabled, ");
            if (Bit(fc, 4)) nd.Print("Frame Pending, ");
            if (Bit(fc, 5)) nd.Print("AR, ");
            if (Bit(fc, 6)) nd.Print("PAN ID Compression, ");
            if (Bit(fc, 8)) nd.Print("Sequence Number Suppression, ");
            if (Bit(fc, 9)) nd.Print("IE present, ");
        }
        if (Bit(fc, 8))
        {
            if (version < 2) nd.Print("[ERROR: Sequence number suppressed on frames where version < 2]");
            if (nd.Verbose > 0) nd.Print("seq suppressed ");
            if (caplen < 2) { nd.PrintTrunc(); return 0; }
            p += 2;
            caplen -= 2;
        }
        else
        {
            int seq = nd.U8(p + 2);
            if (nd.Verbose > 0) nd.Print($"seq {seq:x2} ");
            if (caplen < 3) { nd.PrintTrunc(); return 0; }
            p += 3;
            caplen -= 3;
        }
        int dstLen = AddrLen((fc >> 10) & 3), srcLen = AddrLen((fc >> 14) & 3);
        if (srcLen < 0) { nd.Print("[ERROR: Invalid src address mode]"); return 0; }
        if (dstLen < 0) { nd.Print("[ERROR: Invalid dst address mode]"); return 0; }
        var (dstPan, srcPan) = PanIds(nd, version, Bit(fc, 6), dstLen, srcLen);

        if (dstPan)
        {
            if (caplen < 2) { nd.Print("[ERROR: Truncated before dst_pan]"); return 0; }
            int pan = nd.Le16(p);
            nd.Print($"{pan:x4}:");
            p += 2;
            caplen -= 2;
        }
        else nd.Print("-:");
        if (caplen < (uint)dstLen) { nd.Print("[ERROR: Truncated before dst_addr]"); return 0; }
        Addr(nd, p, dstLen);
        p += dstLen;
        caplen -= (uint)dstLen;
        nd.Print(" < ");
        if (srcPan)
        {
            if (caplen < 2) { nd.Print("[ERROR: Truncated before dst_pan]"); return 0; } // sic: tcpdump's text for the source too
            int pan = nd.Le16(p);
            nd.Print($"{pan:x4}:");
            p += 2;
            caplen -= 2;
        }
        else nd.Print("-:");
        if (caplen < (uint)srcLen) { nd.Print("[ERROR: Truncated before dst_addr]"); return 0; }
        Addr(nd, p, srcLen);
        nd.Print(" ");
        p += srcLen;
        caplen -= (uint)srcLen;

        if (!Trailer(nd, ref p, ref caplen, Bit(fc, 3), Bit(fc, 9), fcs, crc)) return 0;

        switch (type)
        {
            case 0:
                if (version < 2 && !BeaconPayload(nd, ref p, ref caplen)) break;
                Default(nd, p, caplen);
                break;
            case 1:
            case 2:
                Default(nd, p, caplen);
                break;
            case 3:
                if (caplen < 1) nd.Print("[ERROR: Truncated before Command ID]");
                else
                {
                    int id = nd.U8(p);
                    if (id >= 0x30) nd.Print($"Command ID = Reserved 0x{id:x2} ");
                    else nd.Print($"Command ID = {CommandName(id)} ");
                    p++;
                    caplen--;
                    if (caplen != 0)
                    {
                        int used = CommandData(nd, id, p, caplen);
                        if (used >= 0)
                        {
                            p += used;
                            caplen -= (uint)used;
                        }
                    }
                }
                Default(nd, p, caplen);
                break;
        }
        return 1;
    }

    /// <summary>Which PAN IDs a frame carries (7.2.2.6: the PAN ID Compression rules of frame versions 0/1 and 2).</summary>
    private static (bool Dst, bool Src) PanIds(PrintContext nd, int version, bool compressed, int dstLen, int srcLen)
    {
        bool dst = true, src = !compressed;
        if (dstLen <= 0) dst = false;
        if (srcLen <= 0) src = false;
        if (version < 2)
        {
            if (compressed && (dstLen <= 0 || srcLen <= 0))
                nd.Print("[ERROR: PAN ID Compression != 0, and only one address with frame version < 2]");
            return (dst, src);
        }
        if (compressed)
        {
            if (srcLen == 0 && dstLen == 0) dst = true;
            else if ((srcLen == 0) != (dstLen == 0) || (srcLen == 8 && dstLen == 8)) (dst, src) = (false, false);
        }
        else
        {
            if (srcLen == 8 && dstLen == 8) (dst, src) = (true, false);
            if (srcLen == 8 && dstLen == 2) src = false; // as tcpdump, for broken 6TiSCH implementations
        }
        return (dst, src);
    }

    /// <summary>Multipurpose frames (7.3.5), short or long frame control. Returns 0 where tcpdump gives up.</summary>
    private static int MultipurposeFrame(PrintContext nd, int p, uint caplen, int fc)
    {
        var (fcs, crc) = StripFcs(nd, p, ref caplen, 5);
        bool panPresent = false, iePresent = false, secured = false;
        if (Bit(fc, 3))
        {
            nd.Print($"v{(fc >> 12) & 3} ");
            panPresent = Bit(fc, 8);
            iePresent = Bit(fc, 15);
            secured = Bit(fc, 9);
            if (nd.Verbose > 2)
            {
                if (secured) nd.Print("Security Enabled, ");
                if (Bit(fc, 11)) nd.Print("Frame Pending, ");
                if (Bit(fc, 14)) nd.Print("AR, ");
                if (panPresent) nd.Print("PAN ID Present, ");
                if (Bit(fc, 10)) nd.Print("Sequence Number Suppression, ");
                if (iePresent) nd.Print("IE present, ");
            }
            if (Bit(fc, 10))
            {
                if (caplen < 2) { nd.PrintTrunc(); return 0; }
                p += 2;
                caplen -= 2;
            }
            else
            {
                int seq = nd.U8(p + 2);
                if (nd.Verbose > 0) nd.Print($"seq {seq:x2} ");
                if (caplen < 3) { nd.PrintTrunc(); return 0; }
                p += 3;
                caplen -= 3;
            }
        }
        else
        {
            int seq = nd.U8(p + 1);
            p += 2;
            caplen -= 2; // may wrap when a 2-octet FCS was taken off a 3-octet frame, as in tcpdump
            if (nd.Verbose > 0) nd.Print($"seq {seq:x2} ");
        }
        int dstLen = AddrLen((fc >> 4) & 3), srcLen = AddrLen((fc >> 6) & 3);
        if (srcLen < 0) { nd.Print("[ERROR: Invalid src address mode]"); return 0; }
        if (dstLen < 0) { nd.Print("[ERROR: Invalid dst address mode]"); return 0; }
        if (panPresent)
        {
            if (caplen < 2) { nd.Print("[ERROR: Truncated before dst_pan]"); return 0; }
            int pan = nd.Le16(p);
            nd.Print($"{pan:x4}:");
            p += 2;
            caplen -= 2;
        }
        else nd.Print("-:");
        if (caplen < (uint)dstLen) { nd.Print("[ERROR: Truncated before dst_addr]"); return 0; }
        Addr(nd, p, dstLen);
        p += dstLen;
        caplen -= (uint)dstLen;
        nd.Print(" <  -:");
        if (caplen < (uint)srcLen) { nd.Print("[ERROR: Truncated before dst_addr]"); return 0; }
        Addr(nd, p, srcLen);
        nd.Print(" ");
        p += srcLen;
        caplen -= (uint)srcLen;
        if (!Trailer(nd, ref p, ref caplen, secured, iePresent, fcs, crc)) return 0;
        Default(nd, p, caplen);
        return 1;
    }

    /// <summary>What follows the addresses in both frame formats: the auxiliary security header, the header and payload
    /// IEs, the MIC (-vvv) and the FCS (-vvv). False where tcpdump stops printing the frame.</summary>
    private static bool Trailer(PrintContext nd, ref int p, ref uint caplen, bool secured, bool iePresent, uint fcs, uint crc)
    {
        int level = 0;
        if (secured)
        {
            int len = AuxSecurityHeader(nd, p, caplen, out level);
            if (len < 0) return false;
            nd.Check(p, len);
            p += len;
            caplen -= (uint)len;
        }
        uint micLen = (level & 3) switch { 1 => 4u, 2 => 8u, 3 => 16u, _ => 0u };
        int mic = 0;
        if (micLen != 0)
        {
            if (caplen < micLen) { nd.Print("[ERROR: Truncated before MIC]"); return false; }
            caplen -= micLen;
            mic = p + (int)caplen;
        }
        bool payloadIes = false;
        if (iePresent)
        {
            int len = HeaderIeList(nd, p, caplen, out payloadIes);
            if (len < 0) return false;
            p += len;
            caplen -= (uint)len;
        }
        if (payloadIes)
        {
            if (level >= 4) nd.Print("Payload IEs present, but encrypted, cannot print ");
            else
            {
                int len = PayloadIeList(nd, p, caplen);
                if (len < 0) return false;
                p += len;
                caplen -= (uint)len;
            }
        }
        if (nd.Verbose > 2 && micLen != 0)
        {
            nd.Print("\n\tMIC ");
            for (int i = 0; i < micLen; i++) nd.Out.PutHex2(nd.U8(mic + i));
            nd.Print(" ");
        }
        if (nd.Verbose > 2)
        {
            if (crc == fcs) nd.Print($"FCS {fcs:x} ");
            else nd.Print($"wrong FCS {fcs:x} vs {crc:x} (assume no FCS stored) ");
        }
        return true;
    }

    /// <summary>Takes a 4-octet FCS (frames of at least <paramref name="min4"/> octets) or a 2-octet one off the frame when
    /// its CRC matches; returns the stored and computed values, both 0 for frames too short to hold one.</summary>
    private static (uint Fcs, uint Crc) StripFcs(PrintContext nd, int p, ref uint caplen, uint min4)
    {
        uint fcs = 0, crc = 0;
        if (caplen < (min4 == 4 ? 4u : 3u)) return (0, 0);
        if (caplen >= min4)
        {
            fcs = nd.Le32(p + (int)caplen - 4);
            crc = Crc32(nd, p, caplen - 4);
            if (crc == fcs) { caplen -= 4; return (fcs, crc); }
        }
        fcs = nd.Le16(p + (int)caplen - 2);
        crc = Crc16(nd, p, caplen - 2);
        if (crc == fcs) caplen -= 2;
        return (fcs, crc);
    }

    /// <summary>The 16-bit FCS (7.2.10): ITU-T CRC-16, polynomial 0x1021, initial value 0, bits reflected.</summary>
    private static uint Crc16(PrintContext nd, int p, uint len)
    {
        uint crc = 0;
        for (uint i = 0; i < len; i++)
        {
            uint b = nd.U8(p + (int)i);
            for (int k = 0; k < 8; k++)
            {
                bool x = ((crc ^ b) & 1) != 0;
                crc >>= 1;
                if (x) crc ^= 0x8408;
                b >>= 1;
            }
        }
        return crc;
    }

    /// <summary>The 32-bit FCS (7.2.10): CRC-32, polynomial 0x04C11DB7, initial value 0, bits reflected, no final inversion.</summary>
    private static uint Crc32(PrintContext nd, int p, uint len)
    {
        uint crc = 0;
        for (uint i = 0; i < len; i++)
        {
            crc ^= nd.U8(p + (int)i);
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return crc;
    }

    private static bool Bit(int v, int bit) => ((v >> bit) & 1) != 0;

    /// <summary>Octets of an address of that addressing mode (7.2.2.9); -1 for the reserved mode.</summary>
    private static int AddrLen(int mode) => mode switch { 1 => -1, 2 => 2, 3 => 8, _ => 0 };

    /// <summary>A short address as a little-endian number, an extended one as tcpdump's le64addr_string (last octet first).</summary>
    private static void Addr(PrintContext nd, int p, int len)
    {
        switch (len)
        {
            case 0: nd.Print("none"); break;
            case 2:
                int a = nd.Le16(p);
                nd.Print($"{a:x4}");
                break;
            case 8: Ext(nd, p); break;
        }
    }

    private static void Ext(PrintContext nd, int p)
    {
        nd.Check(p, 8);
        for (int i = 7; i >= 0; i--)
        {
            nd.Out.PutHex2(nd.Buf[p + i]);
            if (i > 0) nd.Print(':');
        }
    }

    /// <summary>"%02x " for each octet from p+from to p+len.</summary>
    private static void HexBytes(PrintContext nd, int p, int from, int len)
    {
        for (int i = from; i < len; i++)
        {
            nd.Out.PutHex2(nd.U8(p + i));
            nd.Print(' ');
        }
    }

    private static void Default(PrintContext nd, int p, uint caplen) => nd.DefaultPrint(p, caplen > int.MaxValue ? int.MaxValue : (int)caplen);
}
