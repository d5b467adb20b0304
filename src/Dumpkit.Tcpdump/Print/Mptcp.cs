// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Multipath TCP option (kind 30) printer; returns false for a malformed option ("[bad opt]").</summary>
/// <remarks>Specification: RFC 8684.</remarks>
internal static class Mptcp
{
    private static readonly string[] Names = ["capable", "join", "dss", "add-addr", "rem-addr", "prio", "fail", "fast-close", "unknown"];

    public static bool Print(PrintContext nd, int cp, int len, int flags)
    {
        nd.Proto = "mptcp";
        if (len < 3) return false;
        int sub = Math.Min((nd.U8(cp + 2) >> 4) & 0xf, 8);
        nd.Print($" {len}");
        nd.Print($" {Names[sub]}");
        bool syn = (flags & 0x02) != 0, ack = (flags & 0x10) != 0;
        switch (sub)
        {
            case 0:
            {
                if (!(((len == 12 || len == 4) && syn) || ((len == 20 || len == 22) && (flags & 0x12) == 0x10))) return false;
                int ver = nd.U8(cp + 2) & 0xf;
                if (ver > 1) { nd.Print($" Unknown Version ({ver})"); return true; }
                nd.Print($" v{ver}");
                if ((nd.U8(cp + 3) & 0x80) != 0) nd.Print(" csum");
                if (len == 12 || len >= 20)
                {
                    nd.Print($" {{0x{nd.Be64(cp + 4):x}");
                    if (len >= 20) nd.Print($",0x{nd.Be64(cp + 12):x}");
                    nd.Print("}");
                }
                return true;
            }
            case 1:
                if (!(len == 12 && syn) && !(len == 16 && (flags & 0x12) == 0x12) && !(len == 24 && ack)) return false;
                if (len != 24)
                {
                    if ((nd.U8(cp + 2) & 1) != 0) nd.Print(" backup");
                    nd.Print($" id {nd.U8(cp + 3)}");
                }
                switch (len)
                {
                    case 12: nd.Print($" token 0x{nd.Be32(cp + 4):x} nonce 0x{nd.Be32(cp + 8):x}"); break;
                    case 16: nd.Print($" hmac 0x{nd.Be64(cp + 4):x} nonce 0x{nd.Be32(cp + 12):x}"); break;
                    case 24:
                        nd.Print(" hmac 0x");
                        for (int i = 0; i < 20; i++) nd.Out.PutHex2(nd.U8(cp + 4 + i));
                        break;
                }
                return true;
            case 2:
            {
                if (len < 4 || syn) return false;
                int f = nd.U8(cp + 3);
                if ((f & 0x10) != 0) nd.Print(" fin");
                int opt = cp + 4, ol = len - 4;
                if ((f & 0x01) != 0)
                {
                    nd.Print(" ack ");
                    if ((f & 0x02) != 0) { if (ol < 8) return false; nd.Print($"{nd.Be64(opt)}"); opt += 8; ol -= 8; }
                    else { if (ol < 4) return false; nd.Print($"{nd.Be32(opt)}"); opt += 4; ol -= 4; }
                }
                if ((f & 0x04) != 0)
                {
                    nd.Print(" seq ");
                    if ((f & 0x08) != 0) { if (ol < 8) return false; nd.Print($"{nd.Be64(opt)}"); opt += 8; ol -= 8; }
                    else { if (ol < 4) return false; nd.Print($"{nd.Be32(opt)}"); opt += 4; ol -= 4; }
                    if (ol < 4) return false;
                    nd.Print($" subseq {nd.Be32(opt)}"); opt += 4; ol -= 4;
                    if (ol < 2) return false;
                    nd.Print($" len {nd.Be16(opt)}"); opt += 2; ol -= 2;
                    if (ol >= 2) { nd.Print($" csum 0x{nd.Be16(opt):x}"); ol -= 2; }
                }
                return ol == 0;
            }
            case 3:
            {
                if (len is not (8 or 10 or 16 or 18 or 20 or 22 or 28 or 30)) return false;
                int se = nd.U8(cp + 2) & 0xf;
                nd.Print(' ');
                nd.Print(se switch { 6 => "v0-ip6", 4 => "v0-ip4", 1 => "v1-echo", 0 => "v1", _ => "[bad version/echo]" });
                nd.Print($" id {nd.U8(cp + 3)}");
                if (len is 8 or 10 or 16 or 18)
                {
                    nd.Print(' '); nd.Ip4(cp + 4);
                    if (len is 10 or 18) nd.Print($":{nd.Be16(cp + 8)}");
                    if (len == 16) nd.Print($" hmac 0x{nd.Be64(cp + 8):x}");
                    if (len == 18) nd.Print($" hmac 0x{nd.Be64(cp + 10):x}");
                }
                else
                {
                    nd.Print(' '); nd.Ip6(cp + 4);
                    if (len is 22 or 30) nd.Print($":{nd.Be16(cp + 20)}");
                    if (len == 28) nd.Print($" hmac 0x{nd.Be64(cp + 20):x}");
                    if (len == 30) nd.Print($" hmac 0x{nd.Be64(cp + 22):x}");
                }
                return true;
            }
            case 4:
                if (len < 4) return false;
                nd.Print(" id");
                for (int i = 0; i < len - 3; i++) nd.Print($" {nd.U8(cp + 3 + i)}");
                return true;
            case 5:
                if (len != 3 && len != 4) return false;
                nd.Print((nd.U8(cp + 2) & 1) != 0 ? " backup" : " non-backup");
                if (len == 4) nd.Print($" id {nd.U8(cp + 3)}");
                return true;
            case 6:
                if (len != 12) return false;
                nd.Print($" seq {nd.Be64(cp + 4)}");
                return true;
            case 7:
                if (len != 12) return false;
                nd.Print($" key 0x{nd.Be64(cp + 4):x}");
                return true;
            default:
                return true;
        }
    }
}
