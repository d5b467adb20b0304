// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// IEEE 802.11 MAC frames (LINKTYPE_IEEE802_11 and after a radiotap, Prism or AVS header): management frames with
/// the SSID, rates, DS channel and TIM elements, control frames, data frames (WEP IV, mesh control with -H, the
/// payload through 802.2 LLC), the 802.11 header with -e, as tcpdump 4.99 prints them.
/// </summary>
/// <remarks>Specification: IEEE Std 802.11-2016 (clause 9, frame formats; status codes table 9-46, reason codes
/// table 9-45).</remarks>
internal static class Ieee80211
{
    private const int TMgmt = 0, TCtrl = 1, TData = 2;

    private static int Type(int fc) => (fc >> 2) & 3;
    private static int Subtype(int fc) => (fc >> 4) & 0xf;
    private static bool ToDs(int fc) => (fc & 0x0100) != 0;
    private static bool FromDs(int fc) => (fc & 0x0200) != 0;
    private static bool Protected(int fc) => (fc & 0x4000) != 0;

    /// <summary>LINKTYPE_IEEE802_11: the frame without a radio header.</summary>
    public static int IfPrint(PrintContext nd, int length, int caplen)
    {
        nd.Proto = "802.11";
        return Print(nd, 0, length, caplen, false, 0);
    }

    /// <summary>Prints the frame at p; returns the length of the headers decoded (0 for an unknown frame type).</summary>
    public static int Print(PrintContext nd, int p, int length, int caplen, bool pad, int fcsLen)
    {
        nd.Proto = "802.11";
        int origCaplen = caplen;
        if (length < fcsLen) { nd.PrintTrunc(); return caplen; }
        length -= fcsLen;
        if (caplen > length)
        {
            // the FCS is in the captured data: leave it out
            int inData = caplen - length;
            caplen -= inData;
            nd.SnapEnd -= inData;
        }
        if (caplen < 2) { nd.PrintTrunc(); return origCaplen; }
        int fc = nd.Le16(p);
        int hdrlen = HeaderLength(nd, fc);
        if (hdrlen == 0) return 0;
        if (pad) hdrlen = (hdrlen + 3) & ~3;
        int meshLen = 0;
        if (nd.Settings.Mesh && Type(fc) == TData && (Subtype(fc) & 8) != 0)
        {
            if (!nd.TTest(p + hdrlen, 1)) { nd.PrintTrunc(); return hdrlen; }
            int mf = nd.U8(p + hdrlen);
            meshLen = (mf & ~3) != 0 ? 0 : 6 * (1 + (mf & 3));
            hdrlen += meshLen;
        }
        if (caplen < hdrlen) { nd.PrintTrunc(); return hdrlen; }
        if (nd.Settings.LinkHeader) HeaderPrint(nd, fc, p, hdrlen, meshLen);
        length -= hdrlen;
        caplen -= hdrlen;
        int body = p + hdrlen;
        switch (Type(fc))
        {
            case TMgmt:
                if (!MgmtBody(nd, fc, p + 10, body, length)) { nd.PrintTrunc(); return hdrlen; }
                break;
            case TCtrl:
                if (!CtrlBody(nd, fc, p)) { nd.PrintTrunc(); return hdrlen; }
                break;
            case TData:
                if ((Subtype(fc) & 4) != 0) return hdrlen; // no data
                if (Protected(fc))
                {
                    nd.Print("Data");
                    if (!Wep(nd, body)) { nd.PrintTrunc(); return hdrlen; }
                }
                else
                {
                    var (src, dst) = DataAddresses(fc, p);
                    int llc = Llc.Print(nd, body, length, caplen, dst, src);
                    if (llc < 0)
                    {
                        nd.DefaultPrint(body, caplen);
                        llc = -llc;
                    }
                    hdrlen += llc;
                }
                break;
        }
        return hdrlen;
    }

    private static int HeaderLength(PrintContext nd, int fc)
    {
        switch (Type(fc))
        {
            case TMgmt: return 24;
            case TCtrl:
                switch (Subtype(fc))
                {
                    case 7: return 16; // control wrapper
                    case 8: return 20; // BAR
                    case 9: return 10; // BA
                    case 0xa: return 16; // PS-Poll
                    case 0xb: return 16; // RTS
                    case 0xc: return 10; // CTS
                    case 0xd: return 10; // ACK
                    case 0xe: return 16; // CF-End
                    case 0xf: return 16; // CF-End+CF-Ack
                    default: nd.Print($"unknown 802.11 ctrl frame subtype ({Subtype(fc)})"); return 0;
                }
            case TData:
                return (ToDs(fc) && FromDs(fc) ? 30 : 24) + ((Subtype(fc) & 8) != 0 ? 2 : 0);
            default:
                nd.Print($"unknown 802.11 frame type ({Type(fc)})");
                return 0;
        }
    }

    /// <summary>Source and destination of a data frame by its To DS / From DS bits.</summary>
    private static (int Src, int Dst) DataAddresses(int fc, int p) => (ToDs(fc), FromDs(fc)) switch
    {
        (false, false) => (p + 10, p + 4),
        (false, true) => (p + 16, p + 4),
        (true, false) => (p + 10, p + 16),
        _ => (p + 24, p + 16),
    };

    private static void Addr(PrintContext nd, string label, int off)
    {
        nd.Print(label);
        nd.Mac(off);
    }

    /// <summary>The 802.11 header, printed with -e.</summary>
    private static void HeaderPrint(PrintContext nd, int fc, int p, int hdrlen, int meshLen)
    {
        if (nd.Verbose > 0)
        {
            if ((fc & 0x2000) != 0) nd.Print("More Data ");
            if ((fc & 0x0400) != 0) nd.Print("More Fragments ");
            if ((fc & 0x1000) != 0) nd.Print("Pwr Mgmt ");
            if ((fc & 0x0800) != 0) nd.Print("Retry ");
            if ((fc & 0x8000) != 0) nd.Print("Strictly Ordered ");
            if (Protected(fc)) nd.Print("Protected ");
            if (Type(fc) != TCtrl || Subtype(fc) != 0xa) nd.Print($"{nd.Le16(p + 2)}us ");
        }
        if (meshLen != 0)
        {
            int mc = p + hdrlen - meshLen;
            int ae = nd.U8(mc) & 3;
            nd.Print($"MeshData (AE {ae} TTL {nd.U8(mc + 1)} seq {nd.Le32(mc + 2)}");
            if (ae > 0) Addr(nd, " A4:", mc + 6);
            if (ae > 1) Addr(nd, " A5:", mc + 12);
            if (ae > 2) Addr(nd, " A6:", mc + 18);
            nd.Print(") ");
        }
        switch (Type(fc))
        {
            case TMgmt:
                Addr(nd, "BSSID:", p + 16); Addr(nd, " DA:", p + 4); Addr(nd, " SA:", p + 10); nd.Print(' ');
                break;
            case TCtrl:
                CtrlHeader(nd, fc, p);
                break;
            case TData:
                DataHeader(nd, fc, p);
                break;
        }
    }

    private static void DataHeader(PrintContext nd, int fc, int p)
    {
        int st = Subtype(fc);
        if ((st & 0xb) != 0)
        {
            nd.Print("CF ");
            if ((st & 1) != 0) nd.Print((st & 2) != 0 ? "Ack/Poll" : "Ack");
            else if ((st & 2) != 0) nd.Print("Poll");
            if ((st & 8) != 0) nd.Print("+QoS");
            nd.Print(' ');
        }
        switch (ToDs(fc), FromDs(fc))
        {
            case (false, false): Addr(nd, "DA:", p + 4); Addr(nd, " SA:", p + 10); Addr(nd, " BSSID:", p + 16); break;
            case (false, true): Addr(nd, "DA:", p + 4); Addr(nd, " BSSID:", p + 10); Addr(nd, " SA:", p + 16); break;
            case (true, false): Addr(nd, "BSSID:", p + 4); Addr(nd, " SA:", p + 10); Addr(nd, " DA:", p + 16); break;
            default: Addr(nd, "RA:", p + 4); Addr(nd, " TA:", p + 10); Addr(nd, " DA:", p + 16); Addr(nd, " SA:", p + 24); break;
        }
        nd.Print(' ');
    }

    private static void CtrlHeader(PrintContext nd, int fc, int p)
    {
        switch (Subtype(fc))
        {
            case 8:
                Addr(nd, " RA:", p + 4); Addr(nd, " TA:", p + 10);
                nd.Print($" CTL({nd.Le16(p + 16):x}) SEQ({nd.Le16(p + 18)}) ");
                break;
            case 9: case 0xc: case 0xd: Addr(nd, "RA:", p + 4); nd.Print(' '); break;
            case 0xa: Addr(nd, "BSSID:", p + 4); Addr(nd, " TA:", p + 10); nd.Print(' '); break;
            case 0xb: Addr(nd, "RA:", p + 4); Addr(nd, " TA:", p + 10); nd.Print(' '); break;
            case 0xe: case 0xf: Addr(nd, "RA:", p + 4); Addr(nd, " BSSID:", p + 10); nd.Print(' '); break;
        }
    }

    private static bool CtrlBody(PrintContext nd, int fc, int p)
    {
        int st = Subtype(fc);
        nd.Print(st switch
        {
            7 => "Control Wrapper", 8 => "BAR", 9 => "BA", 0xa => "Power Save-Poll", 0xb => "Request-To-Send",
            0xc => "Clear-To-Send", 0xd => "Acknowledgment", 0xe => "CF-End", 0xf => "CF-End+CF-Ack", _ => "Unknown Ctrl Subtype",
        });
        bool e = nd.Settings.LinkHeader;
        switch (st)
        {
            case 8:
                if (!nd.TTest(p, 20)) return false;
                if (!e)
                {
                    Addr(nd, " RA:", p + 4); Addr(nd, " TA:", p + 10);
                    nd.Print($" CTL({nd.Le16(p + 16):x}) SEQ({nd.Le16(p + 18)}) ");
                }
                break;
            case 9: case 0xc: case 0xd:
                if (!nd.TTest(p, 10)) return false;
                if (!e) { Addr(nd, " RA:", p + 4); nd.Print(' '); }
                break;
            case 0xa:
                if (!nd.TTest(p, 16)) return false;
                nd.Print($" AID({nd.Le16(p + 2):x})");
                break;
            case 0xb:
                if (!nd.TTest(p, 16)) return false;
                if (!e) { Addr(nd, " TA:", p + 10); nd.Print(' '); }
                break;
            case 0xe: case 0xf:
                if (!nd.TTest(p, 16)) return false;
                if (!e) { Addr(nd, " RA:", p + 4); nd.Print(' '); }
                break;
        }
        return true;
    }

    private static bool Wep(PrintContext nd, int p)
    {
        if (!nd.TTest(p, 4)) return false;
        uint iv = nd.Le32(p);
        nd.Print($" IV:{iv & 0xffffff,3:x} Pad {(iv >> 24) & 0x3f:x} KeyID {(iv >> 30) & 3:x}");
        return true;
    }

    /// <summary>The elements tcpdump reports (the first of each kind; SSID, rates, DS channel, TIM, CF, challenge).</summary>
    private struct Elements
    {
        public int Ssid, SsidLen, Rates, RatesLen, Channel;
        public bool SsidPresent, RatesPresent, DsPresent;
        public int Capability;
    }

    /// <summary>Walks the elements from off; false when one is cut short or does not fit tcpdump's buffers.</summary>
    private static bool ParseElements(PrintContext nd, ref Elements el, int off, int length)
    {
        while (length != 0)
        {
            if (!nd.TTest(off, 2) || length < 2) return false;
            int id = nd.U8(off), elen = nd.U8(off + 1);
            if (!nd.TTest(off + 2, elen) || length < elen + 2) return false;
            switch (id)
            {
                case 0: // SSID
                    if (elen > 32) return false;
                    if (!el.SsidPresent) { el.Ssid = off + 2; el.SsidLen = elen; el.SsidPresent = true; }
                    break;
                case 16: // challenge text
                    if (elen > 253) return false;
                    break;
                case 1: // supported rates
                    if (elen > 16) return false;
                    if (!el.RatesPresent && elen != 0) { el.Rates = off + 2; el.RatesLen = elen; el.RatesPresent = true; }
                    break;
                case 3: // DS parameter set
                    if (elen == 1 && !el.DsPresent) { el.Channel = nd.U8(off + 2); el.DsPresent = true; }
                    break;
                case 5: // TIM
                    if (elen > 3 && elen - 3 > 251) return false;
                    break;
            }
            off += 2 + elen;
            length -= 2 + elen;
        }
        return true;
    }

    private static void PrintSsid(PrintContext nd, in Elements el)
    {
        if (!el.SsidPresent) return;
        nd.Print(" (");
        Text.PrintUntilNul(nd, el.Ssid, el.SsidLen);
        nd.Print(')');
    }

    private static void PrintRates(PrintContext nd, in Elements el)
    {
        if (!el.RatesPresent) return;
        string sep = " [";
        for (int z = 0; z < el.RatesLen; z++)
        {
            int r = nd.U8(el.Rates + z);
            nd.Print(sep);
            nd.Print(((r & 0x7f) * 0.5).ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
            if ((r & 0x80) != 0) nd.Print('*');
            sep = " ";
        }
        nd.Print(" Mbit]");
    }

    private static void PrintDsChannel(PrintContext nd, in Elements el)
    {
        if (el.DsPresent) nd.Print($" CH: {el.Channel}");
        if ((el.Capability & 0x10) != 0) nd.Print(", PRIVACY");
    }

    private static string Status(int code) => code < StatusText.Length ? StatusText[code] : "n/a";

    private static string Reason(int code) => code < ReasonText.Length ? ReasonText[code] : "Reserved";

    private static string? MgmtName(int st) => st switch
    {
        0 => "Assoc Request", 1 => "Assoc Response", 2 => "ReAssoc Request", 3 => "ReAssoc Response", 4 => "Probe Request",
        5 => "Probe Response", 8 => "Beacon", 9 => "ATIM", 0xa => "Disassociation", 0xb => "Authentication",
        0xc => "DeAuthentication", 0xd => "Action", _ => null,
    };

    private static bool MgmtBody(PrintContext nd, int fc, int src, int p, int length)
    {
        int st = Subtype(fc);
        nd.Print(MgmtName(st) ?? $"Unhandled Management subtype({st:x})");
        if (Protected(fc)) return Wep(nd, p);
        var el = default(Elements);
        bool ret;
        switch (st)
        {
            case 0: // association request
                if (!nd.TTest(p, 4) || length < 4) return false;
                el.Capability = nd.Le16(p);
                ret = ParseElements(nd, ref el, p + 4, length - 4);
                PrintSsid(nd, el);
                PrintRates(nd, el);
                return ret;
            case 1: // association response
            case 3: // reassociation response
            {
                if (!nd.TTest(p, 6) || length < 6) return false;
                el.Capability = nd.Le16(p);
                int status = nd.Le16(p + 2), aid = nd.Le16(p + 4);
                ret = ParseElements(nd, ref el, p + 6, length - 6);
                nd.Print($" AID({aid & 0x3fff:x}) :{((el.Capability & 0x10) != 0 ? " PRIVACY " : "")}: {Status(status)}");
                return ret;
            }
            case 2: // reassociation request
                if (!nd.TTest(p, 10) || length < 10) return false;
                el.Capability = nd.Le16(p);
                ret = ParseElements(nd, ref el, p + 10, length - 10);
                PrintSsid(nd, el);
                nd.Print(" AP : ");
                nd.Mac(p + 4);
                return ret;
            case 4: // probe request
                ret = ParseElements(nd, ref el, p, length);
                PrintSsid(nd, el);
                PrintRates(nd, el);
                return ret;
            case 5: // probe response
            case 8: // beacon
                if (!nd.TTest(p, 12) || length < 12) return false;
                el.Capability = nd.Le16(p + 10);
                ret = ParseElements(nd, ref el, p + 12, length - 12);
                PrintSsid(nd, el);
                PrintRates(nd, el);
                if (st == 8) nd.Print((el.Capability & 1) != 0 ? " ESS" : " IBSS");
                PrintDsChannel(nd, el);
                return ret;
            case 9: return true; // ATIM: no body
            case 0xa: // disassociation
                if (!nd.TTest(p, 2) || length < 2) return false;
                nd.Print($": {Reason(nd.Le16(p))}");
                return true;
            case 0xb: return Auth(nd, ref el, p, length);
            case 0xc: // deauthentication
            {
                if (!nd.TTest(p, 2) || length < 2) return false;
                string reason = Reason(nd.Le16(p));
                if (nd.Settings.LinkHeader) nd.Print($": {reason}");
                else
                {
                    nd.Print(" (");
                    nd.Mac(src);
                    nd.Print($"): {reason}");
                }
                return true;
            }
            case 0xd: return Action(nd, src, p, length);
            default: return true;
        }
    }

    private static bool Auth(PrintContext nd, ref Elements el, int p, int length)
    {
        if (!nd.TTest(p, 6) || length < 6) return false;
        int alg = nd.Le16(p), seq = nd.Le16(p + 2), status = nd.Le16(p + 4);
        bool ret = ParseElements(nd, ref el, p + 6, length - 6);
        string algName = alg switch { 0 => "Open System", 1 => "Shared Key", 2 => "EAP", _ => "Reserved" };
        string st = seq % 2 != 0 ? Status(status) : "";
        if (alg == 1 && seq is 2 or 3) nd.Print($" ({algName})-{seq:x} [Challenge Text] {st}");
        else nd.Print($" ({algName})-{seq:x}: {st}");
        return ret;
    }

    private static bool Action(PrintContext nd, int src, int p, int length)
    {
        if (!nd.TTest(p, 2) || length < 2) return false;
        if (nd.Settings.LinkHeader) nd.Print(": ");
        else
        {
            nd.Print(" (");
            nd.Mac(src);
            nd.Print("): ");
        }
        int cat = nd.U8(p), act = nd.U8(p + 1);
        string? name = cat switch
        {
            3 => "BA " + (act switch { 0 => "ADDBA Request", 1 => "ADDBA Response", 2 => "DELBA", _ => null }),
            7 => "HT " + (act switch { 0 => "TxChWidth", 1 => "MIMOPwrSave", _ => null }),
            13 => "MeshAction " + (act switch
            {
                0 => "MeshLink", 1 => "HWMP", 2 => "Gate Announcement", 3 => "Congestion Control", 4 => "MCCA Setup Request",
                5 => "MCCA Setup Reply", 6 => "MCCA Advertisement Request", 7 => "MCCA Advertisement", 8 => "MCCA Teardown",
                9 => "TBTT Adjustment Request", 10 => "TBTT Adjustment Response", _ => null,
            }),
            14 => "MultiohopAction " + (act switch { 0 => "Proxy Update", 1 => "Proxy Update Confirmation", _ => null }),
            15 => "SelfprotectAction " + (act switch
            {
                1 => "Peering Open", 2 => "Peering Confirm", 3 => "Peering Close", 4 => "Group Key Inform",
                5 => "Group Key Acknowledge", _ => null,
            }),
            _ => null,
        };
        switch (cat)
        {
            case 0: nd.Print($"Spectrum Management Act#{act}"); break;
            case 1: nd.Print($"QoS Act#{act}"); break;
            case 2: nd.Print($"DLS Act#{act}"); break;
            case 3: case 7: case 13: case 14: case 15:
                // the category's word, then the action's name or its number
                nd.Print(name!.EndsWith(' ') ? $"{name}Act#{act}" : name);
                break;
            case 127: nd.Print($"Vendor Act#{act}"); break;
            default: nd.Print($"Reserved({cat}) Act#{act}"); break;
        }
        return true;
    }

    // IEEE Std 802.11 status codes (table 9-46) and reason codes (table 9-45), in tcpdump's wording
    private static readonly string[] StatusText =
    [
        "Successful",
        "Unspecified failure",
        "TDLS wakeup schedule rejected but alternative schedule provided",
        "TDLS wakeup schedule rejected",
        "Reserved",
        "Security disabled",
        "Unacceptable lifetime",
        "Not in same BSS",
        "Reserved",
        "Reserved",
        "Cannot Support all requested capabilities in the Capability Information field",
        "Reassociation denied due to inability to confirm that association exists",
        "Association denied due to reason outside the scope of this standard",
        "Responding STA does not support the specified authentication algorithm",
        "Received an Authentication frame with authentication transaction sequence number out of expected sequence",
        "Authentication rejected because of challenge failure",
        "Authentication rejected due to timeout waiting for next frame in sequence",
        "Association denied because AP is unable to handle additional associated STAs",
        "Association denied due to requesting STA not supporting all of the data rates in the BSSBasicRateSet "
            + "parameter, the Basic HT-MCS Set field of the HT Operation parameter, or the Basic VHT-MCS and NSS Set field "
            + "in the VHT Operation parameter",
        "Association denied due to requesting STA not supporting the short preamble option",
        "Reserved",
        "Reserved",
        "Association request rejected because Spectrum Management capability is required",
        "Association request rejected because the information in the Power Capability element is unacceptable",
        "Association request rejected because the information in the Supported Channels element is unacceptable",
        "Association denied due to requesting STA not supporting the Short Slot Time option",
        "Reserved",
        "Association denied because the requested STA does not support HT features",
        "R0KH unreachable",
        "Association denied because the requesting STA does not support the phased coexistence operation (PCO) transition time required by the AP",
        "Association request rejected temporarily; try again later",
        "Robust management frame policy violation",
        "Unspecified, QoS-related failure",
        "Association denied because QoS AP or PCP has insufficient bandwidth to handle another QoS STA",
        "Association denied due to excessive frame loss rates and/or poor conditions on current operating channel",
        "Association (with QoS BSS) denied because the requesting STA does not support the QoS facility",
        "Reserved",
        "The request has been declined",
        "The request has not been successful as one or more parameters have invalid values",
        "The allocation or TS has not been created because the request cannot be honored; however, a suggested "
            + "TSPEC/DMG TSPEC is provided so that the initiating STA can attempt to set another allocation or TS with the "
            + "suggested changes to the TSPEC/DMG TSPEC",
        "Invalid element, i.e., an element defined in this standard for which the content does not meet the specifications in Clause 9",
        "Invalid group cipher",
        "Invalid pairwise cipher",
        "Invalid AKMP",
        "Unsupported RSNE version",
        "Invalid RSNE capabilities",
        "Cipher suite rejected because of security policy",
        "The TS or allocation has not been created; however, the HC or PCP might be capable of creating a TS or "
            + "allocation, in response to a request, after the time indicated in the TS Delay element",
        "Direct Link is not allowed in the BSS by policy",
        "The Destination STA is not present within this BSS",
        "The Destination STA is not a QoS STA",
        "Association denied because the listen interval is too large",
        "Invalid FT Action frame count",
        "Invalid pairwise master key identifier (PMKID)",
        "Invalid MDE",
        "Invalid FTE",
        "Requested TCLAS processing is not supported by the AP or PCP",
        "The AP or PCP has insufficient TCLAS processing resources to satisfy the request",
        "The TS has not been created because the request cannot be honored; however, the HC or PCP suggests that the "
            + "STA transition to a different BSS to set up the TS",
        "GAS Advertisement Protocol not supported",
        "No outstanding GAS request",
        "GAS Response not received from the Advertisement Server",
        "STA timed out waiting for GAS Query Response",
        "LARGE GAS Response is larger than query response length limit",
        "Request refused because home network does not support request",
        "Advertisement Server in the network is not currently reachable",
        "Reserved",
        "Request refused due to permissions received via SSPN interface",
        "Request refused because the AP or PCP does not support unauthenticated access",
        "Reserved",
        "Reserved",
        "Reserved",
        "Invalid contents of RSNE",
        "U-APSD coexistence is not supported",
        "Requested U-APSD coexistence mode is not supported",
        "Requested Interval/Duration value cannot be supported with U-APSD coexistence",
        "Authentication is rejected because an Anti-Clogging Token is required",
        "Authentication is rejected because the offered finite cyclic group is not supported",
        "The TBTT adjustment request has not been successful because the STA could not find an alternative TBTT",
        "Transmission failure",
        "Requested TCLAS Not Supported",
        "TCLAS Resources Exhausted",
        "Rejected with Suggested BSS transition",
        "Reject with recommended schedule",
        "Reject because no wakeup schedule specified",
        "Success, the destination STA is in power save mode",
        "FST pending, in process of admitting FST session",
        "Performing FST now",
        "FST pending, gap(s) in block ack window",
        "Reject because of U-PID setting",
        "Reserved",
        "Reserved",
        "(Re)Association refused for some external reason",
        "(Re)Association refused because of memory limits at the AP",
        "(Re)Association refused because emergency services are not supported at the AP",
        "GAS query response not yet received",
        "Reject since the request is for transition to a frequency band subject to DSE procedures and FST Initiator is a dependent STA",
        "Requested TCLAS processing has been terminated by the AP",
        "The TS schedule conflicts with an existing schedule; an alternative schedule is provided",
        "The association has been denied; however, one or more Multi-band elements are included that can be used by "
            + "the receiving STA to join the BSS",
        "The request failed due to a reservation conflict",
        "The request failed due to exceeded MAF limit",
        "The request failed due to exceeded MCCA track limit",
        "Association denied because the information in theSpectrum Management field is unacceptable",
        "Association denied because the requesting STA does not support VHT features",
        "Enablement denied",
        "Enablement denied due to restriction from an authorized GDB",
        "Authorization deenabled",
    ];

    private static readonly string[] ReasonText =
    [
        "Reserved",
        "Unspecified reason",
        "Previous authentication no longer valid",
        "Deauthenticated because sending STA is leaving (or has left) IBSS or ESS",
        "Disassociated due to inactivity",
        "Disassociated because AP is unable to handle all currently  associated STAs",
        "Class 2 frame received from nonauthenticated STA",
        "Class 3 frame received from nonassociated STA",
        "Disassociated because sending STA is leaving (or has left) BSS",
        "STA requesting (re)association is not authenticated with responding STA",
        "Disassociated because the information in the Power Capability element is unacceptable",
        "Disassociated because the information in the Supported Channels element is unacceptable",
        "Disassociated due to BSS transition management",
        "Invalid element, i.e., an element defined in this standard for which the content does not meet the specifications in Clause 9",
        "Message integrity code (MIC) failure",
        "4-Way Handshake timeout",
        "Group key handshake timeout",
        "Information element in 4-Way Handshake different from (Re)AssociationRequest/Probe Response/Beacon frame",
        "Invalid group cipher",
        "Invalid pairwise cipher",
        "Invalid AKMP",
        "Unsupported RSNE version",
        "Invalid RSNE capabilities",
        "IEEE 802.1X authentication failed",
        "Cipher suite rejected because of the security policy",
        "TDLS direct-link teardown due to TDLS peer STA unreachable via the TDLS direct link",
        "TDLS direct-link teardown for unspecified reason",
        "Disassociated because session terminated by SSP request",
        "Disassociated because of lack of SSP roaming agreement",
        "Requested service rejected because of SSP cipher suite or AKM requirement",
        "Requested service not authorized in this location",
        "TS deleted because QoS AP lacks sufficient bandwidth for this QoS STA due to a change in BSS service "
            + "characteristics or operational mode (e.g. an HT BSS change from 40 MHz channel to 20 MHz channel)",
        "Disassociated for unspecified, QoS-related reason",
        "Disassociated because QoS AP lacks sufficient bandwidth for this QoS STA",
        "Disassociated because of excessive number of frames that need to be acknowledged, but are not acknowledged "
            + "due to AP transmissions and/or poor channel conditions",
        "Disassociated because STA is transmitting outside the limits of its TXOPs",
        "Requested from peer STA as the STA is leaving the BSS (or resetting)",
        "Requested from peer STA as it does not want to use the mechanism",
        "Requested from peer STA as the STA received frames using the mechanism for which a set up is required",
        "Requested from peer STA due to time out",
        "Reserved",
        "Reserved",
        "Reserved",
        "Reserved",
        "Reserved",
        "Peer STA does not support the requested cipher suite",
        "In a DLS Teardown frame: The teardown was initiated by the DLS peer. In a Disassociation frame: Disassociated "
            + "because authorized access limit reached",
        "In a DLS Teardown frame: The teardown was initiated by the AP. In a Disassociation frame: Disassociated due "
            + "to external service requirements",
        "Invalid FT Action frame count",
        "Invalid pairwise master key identifier (PMKID)",
        "Invalid MDE",
        "Invalid FTE",
        "Mesh peering canceled for unknown reasons",
        "The mesh STA has reached the supported maximum number of peer mesh STAs",
        "The received information violates the Mesh Configuration policy configured in the mesh STA profile",
        "The mesh STA has received a Mesh Peering Close frame requesting to close the mesh peering",
        "The mesh STA has resent dot11MeshMaxRetries Mesh Peering Open frames, without receiving a Mesh Peering Confirm frame",
        "The confirmTimer for the mesh peering instance times out",
        "The mesh STA fails to unwrap the GTK or the values in the wrapped contents do not match",
        "The mesh STA receives inconsistent information about the mesh parameters between mesh peering Management frames",
        "The mesh STA fails the authenticated mesh peering exchange because due to failure in selecting either the "
            + "pairwise ciphersuite or group ciphersuite",
        "The mesh STA does not have proxy information for this external destination",
        "The mesh STA does not have forwarding information for this destination",
        "The mesh STA determines that the link to the next hop of an active path in its forwarding information is no longer usable",
        "The Deauthentication frame was sent because the MAC address of the STA already exists in the mesh BSS",
        "The mesh STA performs channel switch to meet regulatory requirements",
        "The mesh STA performs channel switching with unspecified reason",
    ];
}
