// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>EAPOL frames (ethertype 0x888e) and EAP packets (RFC 3748), also used inside RADIUS.</summary>
/// <remarks>Specification: IEEE 802.1X (EAPOL), RFC 3748 (EAP).</remarks>
internal static class Eap
{
    private static readonly Tok[] TlsFlags = [new(0x80, "L bit"), new(0x40, "More fragments bit"), new(0x20, "Start bit")];

    private static string? TypeName(int t) => t switch
    {
        0 => "No proposed", 1 => "Identity", 2 => "Notification", 3 => "Nak", 4 => "MD5-challenge", 5 => "OTP", 6 => "GTC",
        13 => "TLS", 18 => "SIM", 21 => "TTLS", 23 => "AKA", 43 => "FAST", 254 => "Expanded types", 255 => "Experimental",
        _ => null,
    };

    public static void EapolPrint(PrintContext nd, int cp)
    {
        nd.Proto = "eap";
        nd.Check(cp, 4);
        int type = nd.Buf[cp + 1];
        int len = nd.Be16(cp + 2);
        string? tn = type switch
        {
            0 => "EAP packet", 1 => "EAPOL start", 2 => "EAPOL logoff", 3 => "EAPOL key", 4 => "Encapsulated ASF alert", _ => null,
        };
        nd.Print($"{tn ?? "unknown"} ({type}) v{nd.Buf[cp]}, len {len}");
        if (nd.Verbose < 1) return;
        if (type == 0)
        {
            if (len == 0) { nd.PrintTrunc(); return; }
            nd.Print(", ");
            Print(nd, cp + 4, len);
        }
    }

    public static void Print(PrintContext nd, int cp, int length)
    {
        int type = nd.U8(cp);
        int len = nd.Be16(cp + 2);
        if (len != length)
        {
            nd.Print("EAP fragment?");
            return;
        }
        string? code = type switch { 1 => "Request", 2 => "Response", 3 => "Success", 4 => "Failure", _ => null };
        nd.Print($"{code ?? "unknown"} ({type}), id {nd.U8(cp + 1)}, len {len}");
        if (len < 4)
        {
            nd.Print(" (too short for EAP header)");
            return;
        }
        nd.Check(cp, len);
        if (type != 1 && type != 2) return;
        if (len < 5)
        {
            nd.Print(" (too short for EAP request/response)");
            return;
        }
        int sub = nd.U8(cp + 4);
        nd.Print($"\n\t\t Type {TypeName(sub) ?? "unknown"} ({sub})");
        switch (sub)
        {
            case 1:
                if (len > 5)
                {
                    nd.Print(", Identity: ");
                    Text.PrintUntilNul(nd, cp + 5, len - 5);
                }
                break;
            case 2:
                if (len < 6) { nd.Print(" (too short for EAP Notification request/response)"); return; }
                nd.Print(", Notification: ");
                Text.PrintUntilNul(nd, cp + 5, len - 5);
                break;
            case 3:
            {
                if (len < 6) { nd.Print(" (too short for EAP Legacy NAK request/response)"); return; }
                string sep = "";
                for (int c = 5; c < len; c++)
                {
                    int t = nd.U8(cp + c);
                    nd.Print($"{sep} {TypeName(t) ?? "unknown"} ({t})");
                    sep = ",";
                }
                break;
            }
            case 13:
            case 21:
            case 43:
            {
                bool fast = sub == 43;
                if (len < 6) { nd.Print(fast ? " (too short for EAP FAST request/response)" : " (too short for EAP TLS/TTLS request/response)"); return; }
                int f = nd.U8(cp + 5);
                if (sub == 21) nd.Print($" TTLSv{f & 7}");
                if (fast) nd.Print($" FASTv{f & 7}");
                nd.Print(" flags [");
                Toks.Bits(nd, TlsFlags, "none", (uint)f);
                nd.Print($"] 0x{f:x2}");
                if ((f & 0x80) != 0)
                {
                    if (len < 10)
                    {
                        nd.Print(fast ? " (too short for EAP FAST request/response with length)"
                            : " (too short for EAP TLS/TTLS request/response with length)");
                        return;
                    }
                    nd.Print($", len {nd.Be32(cp + 6)}");
                }
                break;
            }
            case 18:
            case 23:
            {
                if (len < 6) { nd.Print(" (too short for EAP SIM/AKA request/response)"); return; }
                int s = nd.U8(cp + 5);
                string? sn = s switch
                {
                    1 => "Challenge", 2 => "Auth reject", 4 => "Sync failure", 5 => "Identity", 10 => "Start", 11 => "Challenge",
                    12 => "Notification", 13 => "Reauth", 14 => "Client error", _ => null,
                };
                nd.Print($" subtype [{sn ?? "unknown"}] 0x{s:x2}");
                break;
            }
        }
    }
}
