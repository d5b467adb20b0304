// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Zephyr notices (UDP ports 2103 and 2104): the NUL-terminated header fields (version, kind, class, instance,
/// opcode, sender, recipient, ...), summarised as tcpdump does for the administrative classes.</summary>
/// <remarks>Specification: "Zephyr Notification Service", Athena Technical Plan section E.4.1 (DellaFera, Eichin, French,
/// Jedlinsky, Kohl, Sommerfeld), and the ZNotice_t header of MIT Zephyr's zephyr.h (the field order on the wire).</remarks>
internal static class Zephyr
{
    private const int ServAck = 5;
    private const int Max = 255; // the 256-byte buffer tcpdump formats lower-cased strings and triples into

    private static readonly string[] Kinds = ["unsafe", "unacked", "acked", "hm-ack", "hm-ctl", "serv-ack", "serv-nak", "client-ack", "stat"];

    /// <summary>Field parser over the notice: the bytes of each field up to its NUL, bounded by the UDP length.</summary>
    private ref struct Fields(PrintContext nd, int p, int len)
    {
        private int _p = p, _len = len;

        /// <summary>The next field's bytes, or false when the notice ends before its NUL (truncation throws).</summary>
        public bool Next(out ReadOnlySpan<byte> field)
        {
            int s = _p;
            for (; ; )
            {
                if (_len == 0) { field = default; return false; }
                if (nd.U8(_p) == 0) break;
                _p++;
                _len--;
            }
            field = nd.Buf.AsSpan(s, _p - s);
            _p++;
            _len--;
            return true;
        }
    }

    public static void Print(PrintContext nd, int cp, int length)
    {
        nd.Proto = "zephyr";
        var f = new Fields(nd, cp, length);
        if (!f.Next(out var version)) { nd.PrintInvalid(); return; }
        if (!version.StartsWith("ZEPH"u8)) return;
        bool lose = false;
        int Int(ref Fields f)
        {
            if (!f.Next(out var s)) { lose = true; return 0; }
            return StrToL16(s);
        }
        ReadOnlySpan<byte> Str(ref Fields f)
        {
            if (!f.Next(out var s)) lose = true;
            return s;
        }
        Int(ref f); // number of fields
        int kind = Int(ref f);
        Str(ref f); // uid
        Int(ref f); // port
        Int(ref f); // auth
        Int(ref f); // authlen
        Str(ref f); // authdata
        var cls = Str(ref f);
        var inst = Str(ref f);
        var opcode = Str(ref f);
        var sender = Str(ref f);
        var recipient = Str(ref f);
        Str(ref f); // format
        Int(ref f); // checksum
        Int(ref f); // multi
        Str(ref f); // multi uid
        if (lose) { nd.PrintInvalid(); return; }

        nd.Print(" zephyr");
        if (!version[4..].StartsWith("0.2"u8))
        {
            nd.Print(" v");
            Escaped(nd, version[4..]);
            return;
        }
        nd.Print(' ');
        if ((uint)kind < Kinds.Length) nd.Print(Kinds[kind]);
        else nd.Print($"type {kind}");
        if (kind == ServAck)
        {
            var ack = Str(ref f);
            if (!lose && !ack.SequenceEqual("SENT"u8)) Lower(nd, "/", ack);
        }
        if (sender.Length > 0) { nd.Print(' '); Escaped(nd, sender); }

        if (cls.SequenceEqual("USER_LOCATE"u8))
        {
            if (opcode.SequenceEqual("USER_HIDE"u8)) nd.Print(" hide");
            else if (opcode.SequenceEqual("USER_UNHIDE"u8)) nd.Print(" unhide");
            else { nd.Print(" locate "); Escaped(nd, inst); }
            return;
        }
        if (cls.SequenceEqual("ZEPHYR_ADMIN"u8)) { Lower(nd, " zephyr-admin ", opcode); return; }
        if (cls.SequenceEqual("ZEPHYR_CTL"u8))
        {
            if (inst.SequenceEqual("CLIENT"u8))
            {
                bool sub = opcode.SequenceEqual("SUBSCRIBE"u8), nodefs = opcode.SequenceEqual("SUBSCRIBE_NODEFS"u8);
                if (sub || nodefs || opcode.SequenceEqual("UNSUBSCRIBE"u8))
                {
                    nd.Print($" {(sub ? "" : "un")}sub{(nodefs ? "-nodefs" : "")}");
                    if (kind != ServAck)
                    {
                        var c = Str(ref f);
                        var i = Str(ref f);
                        var r = Str(ref f);
                        if (!lose) { nd.Print(' '); Triple(nd, c, i, r); }
                    }
                    return;
                }
                if (opcode.SequenceEqual("GIMME"u8)) { nd.Print(" ret"); return; }
                if (opcode.SequenceEqual("GIMMEDEFS"u8)) { nd.Print(" gimme-defs"); return; }
                if (opcode.SequenceEqual("CLEARSUB"u8)) { nd.Print(" clear-subs"); return; }
                Lower(nd, " ", opcode);
                return;
            }
            if (inst.SequenceEqual("HM"u8)) { Lower(nd, " ", opcode); return; }
            if (inst.SequenceEqual("REALM"u8))
            {
                if (opcode.SequenceEqual("ADD_SUBSCRIBE"u8)) nd.Print(" realm add-subs");
                if (opcode.SequenceEqual("REQ_SUBSCRIBE"u8)) nd.Print(" realm req-subs");
                if (opcode.SequenceEqual("RLM_SUBSCRIBE"u8)) nd.Print(" realm rlm-sub");
                if (opcode.SequenceEqual("RLM_UNSUBSCRIBE"u8)) nd.Print(" realm rlm-unsub");
                return;
            }
        }
        if (cls.SequenceEqual("HM_CTL"u8))
        {
            Lower(nd, " hm_ctl ", inst);
            Lower(nd, " ", opcode);
            return;
        }
        if (cls.SequenceEqual("HM_STAT"u8) && inst.SequenceEqual("HMST_CLIENT"u8) && opcode.SequenceEqual("GIMMESTATS"u8))
        {
            nd.Print(" get-client-stats");
            return;
        }
        if (cls.SequenceEqual("WG_CTL"u8))
        {
            Lower(nd, " wg_ctl ", inst);
            Lower(nd, " ", opcode);
            return;
        }
        if (cls.SequenceEqual("LOGIN"u8))
        {
            if (opcode.SequenceEqual("USER_FLUSH"u8)) { nd.Print(" flush_locs"); return; }
            if (opcode.SequenceEqual("NONE"u8) || opcode.SequenceEqual("OPSTAFF"u8) || opcode.SequenceEqual("REALM-VISIBLE"u8) ||
                opcode.SequenceEqual("REALM-ANNOUNCED"u8) || opcode.SequenceEqual("NET-VISIBLE"u8) || opcode.SequenceEqual("NET-ANNOUNCED"u8))
            {
                Lower(nd, " set-exposure ", opcode);
                return;
            }
        }
        nd.Print(" to ");
        Triple(nd, cls, inst, recipient);
        if (opcode.Length > 0) { nd.Print(" op "); Escaped(nd, opcode); }
    }

    private static void Escaped(PrintContext nd, ReadOnlySpan<byte> s)
    {
        foreach (byte c in s) Text.PrintChar(nd, c);
    }

    /// <summary>A prefix, then the field lower-cased (ASCII letters only) and cut to 255 bytes, escaped.</summary>
    private static void Lower(PrintContext nd, string prefix, ReadOnlySpan<byte> s)
    {
        nd.Print(prefix);
        if (s.Length > Max) s = s[..Max];
        foreach (byte c in s) Text.PrintChar(nd, c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c + 32) : c);
    }

    /// <summary>&lt;class,instance,recipient&gt; (recipient * when empty), cut to 255 bytes as tcpdump's buffer cuts it, escaped.</summary>
    private static void Triple(PrintContext nd, ReadOnlySpan<byte> cls, ReadOnlySpan<byte> inst, ReadOnlySpan<byte> recipient)
    {
        int room = Max;
        static void Part(PrintContext nd, ReadOnlySpan<byte> s, ref int room)
        {
            if (s.Length > room) s = s[..room];
            foreach (byte c in s) Text.PrintChar(nd, c);
            room -= s.Length;
        }
        Part(nd, "<"u8, ref room);
        Part(nd, cls, ref room);
        Part(nd, ","u8, ref room);
        Part(nd, inst, ref room);
        Part(nd, ","u8, ref room);
        Part(nd, recipient.Length == 0 ? "*"u8 : recipient, ref room);
        Part(nd, ">"u8, ref room);
    }

    /// <summary>C's strtol(s, NULL, 16) on a field, truncated to an int as tcpdump stores it.</summary>
    private static int StrToL16(ReadOnlySpan<byte> s)
    {
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= 9 && s[i] <= 13))) i++;
        bool neg = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        if (i + 2 < s.Length && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && HexVal(s[i + 2]) >= 0) i += 2;
        ulong v = 0;
        bool overflow = false;
        for (; i < s.Length; i++)
        {
            int d = HexVal(s[i]);
            if (d < 0) break;
            if (v > (ulong.MaxValue - (ulong)d) / 16) overflow = true;
            else v = v * 16 + (ulong)d;
        }
        long r;
        if (neg)
        {
            if (overflow || v > (ulong)long.MaxValue + 1) r = long.MinValue;
            else r = unchecked(-(long)v);
        }
        else r = overflow || v > long.MaxValue ? long.MaxValue : (long)v;
        return unchecked((int)r);
    }

    private static int HexVal(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
