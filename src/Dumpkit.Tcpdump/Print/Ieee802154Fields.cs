// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>IEEE 802.15.4 frame fields: the auxiliary security header, the beacon payload of frame versions 0 and 1
/// (superframe specification, GTS, pending addresses) and MAC command payloads, as tcpdump 4.99.3 prints them.</summary>
/// <remarks>Specification: IEEE 802.15.4-2015, 9.4 (auxiliary security header), 7.3.1 (beacon: superframe specification
/// 7.3.1.3, GTS 7.3.1.4, pending addresses 7.3.1.5), 7.5 (MAC commands).</remarks>
internal static partial class Ieee802154
{
    /// <summary>The auxiliary security header at p: its length, or -1 after an error message.</summary>
    private static int AuxSecurityHeader(PrintContext nd, int p, uint caplen, out int level)
    {
        level = 0;
        if (caplen < 1) { nd.Print("[ERROR: Truncated before Aux Security Header]"); return -1; }
        int sc = nd.U8(p);
        int len = 1;
        level = sc & 7;
        int mode = (sc >> 3) & 3;
        caplen--;
        p++;
        if (nd.Verbose > 0) nd.Print($"\n\tSecurity Level {level}, Key Id Mode {mode}, ");
        if (!Bit(sc, 5))
        {
            if (caplen < 4) { nd.Print("[ERROR: Truncated before Frame Counter]"); return -1; }
            if (nd.Verbose > 1)
            {
                uint counter = nd.Le32(p);
                nd.Print($"Frame Counter 0x{counter:x8} ");
            }
            p += 4;
            caplen -= 4;
            len += 4;
        }
        switch (mode)
        {
            case 0:
                if (nd.Verbose > 1) nd.Print("Implicit");
                return len;
            case 2:
                if (caplen < 4) { nd.Print("[ERROR: Truncated before Key Source]"); return -1; }
                if (nd.Verbose > 1)
                {
                    int a = nd.Le16(p), b = nd.Le16(p + 2);
                    nd.Print($"KeySource 0x{a:x4}:{b:x}4x, "); // sic: tcpdump's "%0x4x"
                }
                p += 4;
                caplen -= 4;
                len += 4;
                break;
            case 3:
                if (caplen < 8) { nd.Print("[ERROR: Truncated before Key Source]"); return -1; }
                if (nd.Verbose > 1)
                {
                    nd.Check(p, 8);
                    nd.Print("KeySource ");
                    Ext(nd, p);
                    nd.Print(", ");
                }
                // tcpdump steps over 4 octets of the 8-octet key source
                p += 4;
                caplen -= 4;
                len += 4;
                break;
        }
        if (caplen < 1) { nd.Print("[ERROR: Truncated before Key Index]"); return -1; }
        if (nd.Verbose > 1)
        {
            int index = nd.U8(p);
            nd.Print($"KeyIndex 0x{index:x2}, ");
        }
        return len + 1;
    }

    /// <summary>Superframe specification (7.3.1.3), printed with -v.</summary>
    private static void Superframe(PrintContext nd, int ss)
    {
        if (nd.Verbose < 1) return;
        nd.Print($"\n\tBeacon order = {ss & 0xf}, Superframe order = {(ss >> 4) & 0xf}, ");
        nd.Print($"Final CAP Slot = {(ss >> 8) & 0xf}");
        if (Bit(ss, 12)) nd.Print(", BLE enabled");
        if (Bit(ss, 14)) nd.Print(", PAN Coordinator");
        if (Bit(ss, 15)) nd.Print(", Association Permit");
    }

    /// <summary>The beacon payload of frame versions 0 and 1; false after an error message (nothing more is printed).</summary>
    private static bool BeaconPayload(PrintContext nd, ref int p, ref uint caplen)
    {
        if (caplen < 2) { nd.Print("[ERROR: Truncated before beacon information]"); return false; }
        Superframe(nd, nd.Le16(p));
        p += 2;
        caplen -= 2;
        if (caplen < 1) { nd.Print("[ERROR: Truncated before GTS info]"); return false; }
        int len = GtsInfo(nd, p, caplen);
        if (len < 0) return false;
        p += len;
        caplen -= (uint)len;
        if (caplen < 1) { nd.Print("[ERROR: Truncated before pending addresses]"); return false; }
        len = PendingAddresses(nd, p, caplen);
        if (len < 0) return false;
        nd.Check(p, len);
        p += len;
        caplen -= (uint)len;
        return true;
    }

    /// <summary>GTS specification, directions and list (7.3.1.4): its length, or -1 after an error message.</summary>
    private static int GtsInfo(PrintContext nd, int p, uint dataLen)
    {
        int count = nd.U8(p) & 7;
        if (count == 0)
        {
            if (nd.Verbose > 0) nd.Print("\n\tGTS Descriptor Count = 0, ");
            return 1;
        }
        int len = 2 + count * 3;
        if (dataLen < len) { nd.Print(" [ERROR: Truncated GTS Info List]"); return -1; }
        if (nd.Verbose < 2) return len;
        nd.Print($"GTS Descriptor Count = {count}, ");
        int mask = nd.U8(p + 1) & 0x7f;
        nd.Print($"GTS Directions Mask = {mask:x2}, [ ");
        for (int i = 0; i < count; i++)
        {
            int d = p + 2 + i * 3;
            nd.Print("[ ");
            Addr(nd, d, 2);
            int slot = nd.U8(d + 1) & 0x0f, length = (nd.U8(d + 1) >> 4) & 0x0f;
            nd.Print($", Start slot = {slot}, Length = {length} ] ");
        }
        nd.Print("]");
        return len;
    }

    /// <summary>Pending address specification and list (7.3.1.5): its length, or -1 after an error message.</summary>
    private static int PendingAddresses(PrintContext nd, int p, uint dataLen)
    {
        int pas = nd.U8(p);
        int shorts = pas & 7, exts = (pas >> 4) & 7;
        int len = 1 + shorts * 2 + exts * 8;
        if (nd.Verbose > 0) nd.Print($"\n\tPending address list, # short addresses = {shorts}, # extended addresses = {exts}");
        if (dataLen < len) { nd.Print(" [ERROR: Pending address list truncated]"); return -1; }
        if (nd.Verbose < 2) return len;
        if (shorts != 0)
        {
            nd.Print(", Short address list = [ ");
            for (int i = 0; i < shorts; i++)
            {
                Addr(nd, p + 1 + i * 2, 2);
                nd.Print(" ");
            }
            nd.Print("]");
        }
        if (exts != 0)
        {
            nd.Print(", Extended address list = [ ");
            for (int i = 0; i < exts; i++)
            {
                Addr(nd, p + 1 + shorts * 2 + i * 8, 8);
                nd.Print(" ");
            }
            nd.Print("]");
        }
        return len;
    }

    /// <summary>A MAC command's payload after its ID: the octets decoded (the rest is dumped), or -1 after an error.</summary>
    private static int CommandData(PrintContext nd, int id, int p, uint caplen)
    {
        switch (id)
        {
            case 0x01:
                {
                    if (caplen != 1) { nd.Print("Invalid Association request command length"); return -1; }
                    int cap = nd.U8(p);
                    nd.Print((cap & 0x02) != 0 ? "FFD, " : "RFD, ");
                    if ((cap & 0x04) != 0) nd.Print("AC powered, ");
                    if ((cap & 0x08) != 0) nd.Print("Receiver on when idle, ");
                    if ((cap & 0x10) != 0) nd.Print("Fast association, ");
                    if ((cap & 0x40) != 0) nd.Print("Security supported, ");
                    if ((cap & 0x80) != 0) nd.Print("Allocate address, ");
                    return 1;
                }
            case 0x02:
                {
                    if (caplen != 3) { nd.Print("Invalid Association response command length"); return -1; }
                    nd.Print("Short address = ");
                    Addr(nd, p, 2);
                    int status = nd.U8(p + 2);
                    nd.Print(status switch
                    {
                        0x00 => ", Association successful",
                        0x01 => ", PAN at capacity",
                        0x02 => ", PAN access denied",
                        0x03 => ", Hooping sequence offset duplication", // sic
                        0x80 => ", Fast association successful",
                        _ => $", Status = 0x{status:x2}",
                    });
                    return 3;
                }
            case 0x03:
                {
                    if (caplen != 1) { nd.Print("Invalid Disassociation Notification command length"); return -1; }
                    switch (nd.U8(p))
                    {
                        case 0x00: nd.Print("Reserved"); break;
                        case 0x01: nd.Print("Reason = The coordinator wishes the device to leave PAN"); break;
                        case 0x02: nd.Print("Reason = The device wishes to leave the PAN"); break;
                        default:
                            int reason = nd.U8(p + 2); // sic: tcpdump prints the octet two further on
                            nd.Print($"Reason = 0x{reason:x2}");
                            break;
                    }
                    return 1;
                }
            case 0x04:
            case 0x05:
            case 0x06:
            case 0x07:
                return 0;
            case 0x08:
                {
                    if (caplen < 7 || caplen > 8) { nd.Print("Invalid Coordinator Realignment command length"); return -1; }
                    int pan = nd.Le16(p);
                    nd.Print($"Pan ID = 0x{pan:x4}, Coordinator short address = ");
                    Addr(nd, p + 2, 2);
                    int channel = nd.U8(p + 4);
                    int page = caplen == 8 ? nd.U8(p + 7) : 0x80;
                    if (Bit(page, 7)) nd.Print($", Channel Number = {channel | ((page & 0x7f) << 8)}");
                    else nd.Print($", Channel Number = {channel}, page = {page}");
                    nd.Print(", Short address = ");
                    Addr(nd, p + 5, 2);
                    return (int)caplen;
                }
            case 0x09:
                {
                    if (caplen != 1) { nd.Print("Invalid GTS Request command length"); return -1; }
                    int gts = nd.U8(p);
                    nd.Print($"GTS Length = {gts & 0xf}, {(Bit(gts, 4) ? "Receive-only GTS" : "Transmit-only GTS")}, ");
                    nd.Print(Bit(gts, 5) ? "GTS allocation" : "GTS deallocations");
                    return 1;
                }
            default:
                nd.Print("Command Data = ");
                HexBytes(nd, p, 0, caplen > int.MaxValue ? int.MaxValue : (int)caplen);
                return 0;
        }
    }
}
