// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// The radio headers in front of 802.11 frames: radiotap (LINKTYPE_IEEE802_11_RADIO; the fields tcpdump 4.99 prints,
/// extended presence bitmaps, radiotap and vendor namespaces, the FCS and padding flags), the Prism monitor header
/// (LINKTYPE_PRISM_HEADER, 144 bytes, or an AVS header behind it) and the AVS header (LINKTYPE_IEEE802_11_RADIO_AVS).
/// </summary>
/// <remarks>Specification: radiotap, https://www.radiotap.org (header, alignment rules and defined fields);
/// AVS WLAN capture header version 1/2 (wlan-ng); HT rates from IEEE Std 802.11-2016 clause 19.5.</remarks>
internal static class Radiotap
{
    private const int Namespace = 29, VendorNamespace = 30, Ext = 31;
    private const int FlagFcs = 0x10, FlagDataPad = 0x20;

    /// <summary>A reader of radiotap fields (the header starts at 0), each aligned to its size.</summary>
    private struct Cursor(int len)
    {
        public int Next;

        private readonly bool Room(int at, int size) => at + size <= len;

        public readonly int Align(int size)
        {
            int mis = Next % size;
            return mis == 0 ? Next : Next + size - mis;
        }

        public bool Take(int size, out int at)
        {
            at = Align(size);
            if (!Room(at, size)) return false;
            Next = at + size;
            return true;
        }

        public readonly bool Reserve(int size) => Room(Align(size), size);

        public bool Advance(int n)
        {
            if (!Room(Next, n)) return false;
            Next += n;
            return true;
        }
    }

    /// <summary>LINKTYPE_IEEE802_11_RADIO.</summary>
    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "802.11_radio";
        if (caplen < 8) { nd.PrintTrunc(); return caplen; }
        int len = nd.Le16(2);
        if (len < 8 || caplen < len) { nd.PrintTrunc(); return caplen; }
        var c = new Cursor(len);
        c.Advance(8);
        int last = 4;
        while (last + 4 <= len && (nd.Le32(last) & (1u << Ext)) != 0)
        {
            c.Advance(4);
            last += 4;
        }
        if (last + 4 > len) { nd.PrintTrunc(); return caplen; }
        int bit0 = 0, skip = 0, flags = 0;
        bool vendor = false;
        for (int pp = 4; pp <= last; pp += 4)
        {
            uint present = nd.Le32(pp);
            if (vendor)
            {
                if (!c.Advance(skip)) break;
                skip = 0;
            }
            else if (!PrintNamespace(nd, ref c, ref flags, present, bit0)) break;
            switch (present & (1u << Namespace | 1u << VendorNamespace))
            {
                case 0: bit0 += 32; break;
                case 1u << Namespace: bit0 = 0; vendor = false; skip = 0; break;
                case 1u << VendorNamespace:
                    bit0 = 0;
                    vendor = true;
                    // the vendor OUI and sub-namespace are read where the cursor is, once 2 aligned bytes are known to fit
                    if (!c.Reserve(2) || !c.Take(1, out _) || !c.Take(1, out _) || !c.Take(1, out _) || !c.Take(1, out _)
                        || !c.Take(2, out int sk))
                    {
                        nd.PrintTrunc();
                        break;
                    }
                    skip = nd.Le16(sk);
                    break;
            }
        }
        bool pad = (flags & FlagDataPad) != 0;
        int fcs = (flags & FlagFcs) != 0 ? 4 : 0;
        return len + Ieee80211.Print(nd, len, length - len, caplen - len, pad, fcs);
    }

    /// <summary>The fields of one presence word; false when the header cannot be read further.</summary>
    private static bool PrintNamespace(PrintContext nd, ref Cursor c, ref int flags, uint present, int bit0)
    {
        for (uint rest = present; rest != 0; rest &= rest - 1)
        {
            int bitno = System.Numerics.BitOperations.TrailingZeroCount(rest);
            if (bitno >= Namespace) break;
            if (!Field(nd, ref c, bit0 + bitno, ref flags, present)) return false;
        }
        return true;
    }

    private static string F1(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static bool Field(PrintContext nd, ref Cursor c, int bit, ref int flags, uint present)
    {
        int a, b, d, e;
        switch (bit)
        {
            case 0: // TSFT
                if (!c.Take(8, out a)) return Trunc(nd);
                nd.Print($"{nd.Le64(a)}us tsft ");
                break;
            case 1: // flags
            {
                if (!c.Take(1, out a)) return Trunc(nd);
                int f = nd.U8(a);
                flags = f;
                if ((f & 0x01) != 0) nd.Print("cfp ");
                if ((f & 0x02) != 0) nd.Print("short preamble ");
                if ((f & 0x04) != 0) nd.Print("wep ");
                if ((f & 0x08) != 0) nd.Print("fragmented ");
                if ((f & 0x40) != 0) nd.Print("bad-fcs ");
                break;
            }
            case 2: // rate
            {
                if (!c.Take(1, out a)) return Trunc(nd);
                int r = nd.U8(a);
                if (r is >= 0x80 and <= 0x8f) nd.Print($"MCS {r & 0x7f} ");
                else nd.Print($"{F1(0.5 * r)} Mb/s ");
                break;
            }
            case 3: // channel
                if (!c.Take(2, out a) || !c.Take(2, out b)) return Trunc(nd);
                if ((present & (1u << 18)) != 0) break;
                ChanInfo(nd, nd.Le16(a), nd.Le16(b), present);
                break;
            case 4: // FHSS
                if (!c.Take(1, out a) || !c.Take(1, out b)) return Trunc(nd);
                nd.Print($"fhset {nd.U8(a)} fhpat {nd.U8(b)} ");
                break;
            case 5:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"{(sbyte)nd.U8(a)}dBm signal ");
                break;
            case 6:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"{(sbyte)nd.U8(a)}dBm noise ");
                break;
            case 7:
                if (!c.Take(2, out a)) return Trunc(nd);
                nd.Print($"{nd.Le16(a)} sq ");
                break;
            case 8:
                if (!c.Take(2, out a)) return Trunc(nd);
                nd.Print($"{-(short)nd.Le16(a)} tx power ");
                break;
            case 9:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"{-(sbyte)nd.U8(a)}dB tx attenuation ");
                break;
            case 10:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"{(sbyte)nd.U8(a)}dBm tx power ");
                break;
            case 11:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"antenna {nd.U8(a)} ");
                break;
            case 12:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"{nd.U8(a)}dB signal ");
                break;
            case 13:
                if (!c.Take(1, out a)) return Trunc(nd);
                nd.Print($"{nd.U8(a)}dB noise ");
                break;
            case 14: // RX flags
                if (!c.Take(2, out _)) return Trunc(nd);
                break;
            case 18: // XChannel
                if (!c.Take(4, out a) || !c.Take(2, out b) || !c.Take(1, out _) || !c.Take(1, out _)) return Trunc(nd);
                ChanInfo(nd, nd.Le16(b), nd.Le32(a), present);
                break;
            case 19:
                if (!c.Take(1, out a) || !c.Take(1, out b) || !c.Take(1, out d)) return Trunc(nd);
                Mcs(nd, nd.U8(a), nd.U8(b), nd.U8(d));
                break;
            case 20: // A-MPDU status
                if (!c.Take(4, out _) || !c.Take(2, out _) || !c.Take(1, out _) || !c.Take(1, out _)) return Trunc(nd);
                break;
            case 21:
            {
                if (!c.Take(2, out a) || !c.Take(1, out b) || !c.Take(1, out d)) return Trunc(nd);
                Span<int> mcsNss = stackalloc int[4];
                for (int i = 0; i < 4; i++)
                {
                    if (!c.Take(1, out e)) return Trunc(nd);
                    mcsNss[i] = nd.U8(e);
                }
                if (!c.Take(1, out e) || !c.Take(1, out _) || !c.Take(2, out _)) return Trunc(nd);
                Vht(nd, nd.Le16(a), nd.U8(b), nd.U8(d), mcsNss, nd.U8(e));
                break;
            }
            default:
                nd.Print($"[bit {bit}] ");
                return false;
        }
        return true;
    }

    private static bool Trunc(PrintContext nd)
    {
        nd.PrintTrunc();
        return false;
    }

    private static void ChanInfo(PrintContext nd, int freq, uint flags, uint present)
    {
        static bool Is(uint f, uint m) => (f & m) == m;
        nd.Print($"{freq} MHz");
        if ((present & (1u << 19)) != 0) nd.Print(" 11n");
        else
        {
            if (Is(flags, 0x0880)) nd.Print(" FHSS");
            string q = (flags & 0x4000) != 0 ? "/10Mhz" : (flags & 0x8000) != 0 ? "/5Mhz" : "";
            if (Is(flags, 0x0140)) nd.Print($" 11a{q}");
            if (Is(flags, 0x00c0) || Is(flags, 0x0480)) nd.Print($" 11g{q}");
            else if (Is(flags, 0x00a0)) nd.Print(" 11b");
            if ((flags & 0x0010) != 0) nd.Print(" Turbo");
        }
        if ((flags & 0x10000) != 0) nd.Print(" ht/20");
        else if ((flags & 0x40000) != 0) nd.Print(" ht/40-");
        else if ((flags & 0x20000) != 0) nd.Print(" ht/40+");
        nd.Print(' ');
    }

    private static void Mcs(PrintContext nd, int known, int flags, int index)
    {
        if ((known & 0x02) != 0)
        {
            double rate = 0;
            if (index < HtRates.Length / 4 && (known & 0x05) != 0)
                rate = HtRates[index * 4 + ((flags & 3) == 1 ? 2 : 0) + ((flags & 0x04) != 0 ? 1 : 0)];
            if (rate != 0) nd.Print($"{F1(rate)} Mb/s MCS {index} ");
            else nd.Print($"MCS {index} ");
        }
        if ((known & 0x01) != 0)
            nd.Print((flags & 3) switch { 0 => "20 MHz ", 1 => "40 MHz ", 2 => "20 MHz (L) ", _ => "20 MHz (U) " });
        if ((known & 0x04) != 0) nd.Print((flags & 0x04) != 0 ? "short GI " : "long GI ");
        if ((known & 0x08) != 0) nd.Print((flags & 0x08) != 0 ? "greenfield " : "mixed ");
        if ((known & 0x10) != 0) nd.Print((flags & 0x10) != 0 ? "LDPC FEC " : "BCC FEC ");
        if ((known & 0x20) != 0) nd.Print($"RX-STBC{(flags & 0x60) >> 5} ");
    }

    private static readonly string[] VhtBandwidth =
    [
        "20 MHz", "40 MHz", "20 MHz (L)", "20 MHz (U)", "80 MHz", "80 MHz (L)", "80 MHz (U)", "80 MHz (LL)", "80 MHz (LU)",
        "80 MHz (UL)", "80 MHz (UU)", "160 MHz", "160 MHz (L)", "160 MHz (U)", "160 MHz (LL)", "160 MHz (LU)", "160 MHz (UL)",
        "160 MHz (UU)", "160 MHz (LLL)", "160 MHz (LLU)", "160 MHz (LUL)", "160 MHz (UUU)", "160 MHz (ULL)", "160 MHz (ULU)",
        "160 MHz (UUL)", "160 MHz (UUU)", "unknown (26)", "unknown (27)", "unknown (28)", "unknown (29)", "unknown (30)",
        "unknown (31)",
    ];

    private static void Vht(PrintContext nd, int known, int flags, int bandwidth, ReadOnlySpan<int> mcsNss, int coding)
    {
        for (int i = 0; i < 4; i++)
        {
            if ((mcsNss[i] & 0x0f) == 0) continue;
            nd.Print($"User {i} MCS {(mcsNss[i] & 0xf0) >> 4} ");
            nd.Print((coding & (1 << i)) != 0 ? "LDPC FEC " : "BCC FEC ");
        }
        if ((known & 0x40) != 0) nd.Print($"{VhtBandwidth[bandwidth & 0x1f]} ");
        if ((known & 0x04) != 0) nd.Print((flags & 0x04) != 0 ? "short GI " : "long GI ");
    }

    /// <summary>LINKTYPE_IEEE802_11_RADIO_AVS and an AVS header met behind LINKTYPE_PRISM_HEADER.</summary>
    public static int AvsPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "802.11_radio_avs";
        if (caplen < 8) { nd.PrintTrunc(); return caplen; }
        uint hdr = nd.Be32(4);
        if (hdr < 8 || caplen < hdr) { nd.PrintTrunc(); return caplen; }
        return (int)hdr + Ieee80211.Print(nd, (int)hdr, length - (int)hdr, caplen - (int)hdr, false, 0);
    }

    /// <summary>LINKTYPE_PRISM_HEADER: a 144-byte Prism header, or an AVS header (its magic cookie first).</summary>
    public static int PrismPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "prism";
        if (caplen < 4) { nd.PrintTrunc(); return caplen; }
        uint code = nd.Be32(0);
        if (code is 0x80211001 or 0x80211002) return AvsPrint(nd, length, caplen);
        if (caplen < 144) { nd.PrintTrunc(); return caplen; }
        return 144 + Ieee80211.Print(nd, 144, length - 144, caplen - 144, false, 0);
    }

    // HT data rates in Mb/s by MCS index 0-76: 20 MHz long GI, 20 MHz short GI, 40 MHz long GI, 40 MHz short GI
    private static readonly double[] HtRates =
    [
        6.5, 7.2, 13.5, 15.0, 13.0, 14.4, 27.0, 30.0, 19.5, 21.7, 40.5, 45.0, 26.0, 28.9, 54.0, 60.0,
        39.0, 43.3, 81.0, 90.0, 52.0, 57.8, 108.0, 120.0, 58.5, 65.0, 121.5, 135.0, 65.0, 72.2, 135.0, 150.0,
        13.0, 14.4, 27.0, 30.0, 26.0, 28.9, 54.0, 60.0, 39.0, 43.3, 81.0, 90.0, 52.0, 57.8, 108.0, 120.0,
        78.0, 86.7, 162.0, 180.0, 104.0, 115.6, 216.0, 240.0, 117.0, 130.0, 243.0, 270.0, 130.0, 144.4, 270.0, 300.0,
        19.5, 21.7, 40.5, 45.0, 39.0, 43.3, 81.0, 90.0, 58.5, 65.0, 121.5, 135.0, 78.0, 86.7, 162.0, 180.0,
        117.0, 130.0, 243.0, 270.0, 156.0, 173.3, 324.0, 360.0, 175.5, 195.0, 364.5, 405.0, 195.0, 216.7, 405.0, 450.0,
        26.0, 28.9, 54.0, 60.0, 52.0, 57.8, 108.0, 120.0, 78.0, 86.7, 162.0, 180.0, 104.0, 115.6, 216.0, 240.0,
        156.0, 173.3, 324.0, 360.0, 208.0, 231.1, 432.0, 480.0, 234.0, 260.0, 486.0, 540.0, 260.0, 288.9, 540.0, 600.0,
        0.0, 0.0, 6.0, 6.7, 39.0, 43.3, 81.0, 90.0, 52.0, 57.8, 108.0, 120.0, 65.0, 72.2, 135.0, 150.0,
        58.5, 65.0, 121.5, 135.0, 78.0, 86.7, 162.0, 180.0, 97.5, 108.3, 202.5, 225.0, 52.0, 57.8, 108.0, 120.0,
        65.0, 72.2, 135.0, 150.0, 65.0, 72.2, 135.0, 150.0, 78.0, 86.7, 162.0, 180.0, 91.0, 101.1, 189.0, 210.0,
        91.0, 101.1, 189.0, 210.0, 104.0, 115.6, 216.0, 240.0, 78.0, 86.7, 162.0, 180.0, 97.5, 108.3, 202.5, 225.0,
        97.5, 108.3, 202.5, 225.0, 117.0, 130.0, 243.0, 270.0, 136.5, 151.7, 283.5, 315.0, 136.5, 151.7, 283.5, 315.0,
        156.0, 173.3, 324.0, 360.0, 65.0, 72.2, 135.0, 150.0, 78.0, 86.7, 162.0, 180.0, 91.0, 101.1, 189.0, 210.0,
        78.0, 86.7, 162.0, 180.0, 91.0, 101.1, 189.0, 210.0, 104.0, 115.6, 216.0, 240.0, 117.0, 130.0, 243.0, 270.0,
        104.0, 115.6, 216.0, 240.0, 117.0, 130.0, 243.0, 270.0, 130.0, 144.4, 270.0, 300.0, 130.0, 144.4, 270.0, 300.0,
        143.0, 158.9, 297.0, 330.0, 97.5, 108.3, 202.5, 225.0, 117.0, 130.0, 243.0, 270.0, 136.5, 151.7, 283.5, 315.0,
        117.0, 130.0, 243.0, 270.0, 136.5, 151.7, 283.5, 315.0, 156.0, 173.3, 324.0, 360.0, 175.5, 195.0, 364.5, 405.0,
        156.0, 173.3, 324.0, 360.0, 175.5, 195.0, 364.5, 405.0, 195.0, 216.7, 405.0, 450.0, 195.0, 216.7, 405.0, 450.0,
        214.5, 238.3, 445.5, 495.0,
    ];
}
