namespace Dumpkit.Tcpdump.Print;

/// <summary>HSRP v0 (UDP 1985).</summary>
internal static class Hsrp
{
    public static void Print(Nd nd, int bp, int len)
    {
        nd.Proto = "hsrp";
        int version = nd.U8(bp);
        nd.P($"HSRPv{version}");
        if (version != 0) return;
        nd.P("-");
        int op = nd.U8(bp + 1);
        nd.P(op switch { 0 => "hello", 1 => "coup", 2 => "resign", _ => $"unknown ({op})" });
        nd.P($" {len}: ");
        int st = nd.U8(bp + 2);
        nd.P($"state={st switch { 0 => "initial", 1 => "learn", 2 => "listen", 4 => "speak", 8 => "standby", 16 => "active", _ => $"Unknown ({st})" }} ");
        nd.P($"group={nd.U8(bp + 6)} ");
        if (nd.U8(bp + 7) != 0) nd.P($"[reserved={nd.U8(bp + 7)}!] ");
        nd.P("addr="); nd.Ip4(bp + 16);
        if (nd.V > 0)
        {
            nd.P(" hellotime="); Dns.RelTime(nd, nd.U8(bp + 3));
            nd.P(" holdtime="); Dns.RelTime(nd, nd.U8(bp + 4));
            nd.P($" priority={nd.U8(bp + 5)}");
            nd.P(" auth=\"");
            for (int i = 0; i < 8; i++)
            {
                byte c = nd.U8(bp + 8 + i);
                if (c == 0) break;
                Text.PrintChar(nd, c);
            }
            nd.P("\"");
        }
    }
}

/// <summary>TFTP (UDP 69).</summary>
internal static class Tftp
{
    private static int PrintZ(Nd nd, int s, int n)
    {
        int bytes = 0;
        while (true)
        {
            if (n == 0 || s >= nd.SnapEnd) return 0;
            byte c = nd.U8(s++);
            bytes++; n--;
            if (c == 0) return bytes;
            Text.PrintChar(nd, c);
        }
    }

    public static void Print(Nd nd, int bp, int length)
    {
        nd.Proto = "tftp";
        nd.P($"TFTP, length {length}");
        if (length < 2) goto trunc;
        int op = nd.Be16(bp);
        string? name = op switch { 1 => "RRQ", 2 => "WRQ", 3 => "DATA", 4 => "ACK", 5 => "ERROR", 6 => "OACK", _ => null };
        nd.P($", {name ?? $"tftp-#{op}"}");
        if (name == null) return;
        bp += 2; length -= 2;
        int ui;
        switch (op)
        {
            case 1:
            case 2:
                if (length == 0) goto trunc;
                nd.P(" \"");
                ui = PrintZ(nd, bp, length);
                nd.P("\"");
                if (ui == 0) goto trunc;
                bp += ui; length -= ui;
                if (length == 0) goto trunc;
                nd.P(' ');
                ui = PrintZ(nd, bp, length);
                if (ui == 0) goto trunc;
                bp += ui; length -= ui;
                while (length != 0)
                {
                    if (nd.U8(bp) != 0) nd.P(' ');
                    ui = PrintZ(nd, bp, length);
                    if (ui == 0) goto trunc;
                    bp += ui; length -= ui;
                }
                break;
            case 6:
                while (length != 0)
                {
                    if (nd.U8(bp) != 0) nd.P(' ');
                    ui = PrintZ(nd, bp, length);
                    if (ui == 0) goto trunc;
                    bp += ui; length -= ui;
                }
                break;
            case 3:
            case 4:
                if (length < 2) goto trunc;
                nd.P($" block {nd.Be16(bp)}");
                break;
            case 5:
            {
                if (length < 2) goto trunc;
                int e = nd.Be16(bp);
                nd.P(' ');
                nd.P(e switch
                {
                    0 => "EUNDEF", 1 => "ENOTFOUND", 2 => "EACCESS", 3 => "ENOSPACE", 4 => "EBADOP", 5 => "EBADID",
                    6 => "EEXISTS", 7 => "ENOUSER", _ => $"tftp-err-#{e} \"",
                });
                bp += 2; length -= 2;
                if (length == 0) goto trunc;
                nd.P(" \"");
                ui = PrintZ(nd, bp, length);
                nd.P("\"");
                if (ui == 0) goto trunc;
                break;
            }
        }
        return;
    trunc:
        nd.PrintTrunc();
    }
}

/// <summary>BSD syslog (UDP 514).</summary>
internal static class Syslog
{
    private static readonly string[] Fac =
    [
        "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "security", "console", "cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    private static readonly string[] Sev = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"];

    public static void Print(Nd nd, int p, int len)
    {
        nd.Proto = "syslog";
        int off = 0, pri = 0;
        if (nd.U8(p) != '<') { nd.PrintInvalid(); return; }
        off++;
        while (off <= 3 && nd.U8(p + off) >= '0' && nd.U8(p + off) <= '9')
        {
            pri = pri * 10 + (nd.U8(p + off) - '0');
            off++;
        }
        if (nd.U8(p + off) != '>') { nd.PrintInvalid(); return; }
        off++;
        int facility = (pri & 0x3f8) >> 3, severity = pri & 7;
        string fs = facility < Fac.Length ? Fac[facility] : $"unknown ({facility})";
        string ss = Sev[severity];
        if (nd.V < 1)
        {
            nd.P($"SYSLOG {fs}.{ss}, length: {len}");
            return;
        }
        nd.P($"SYSLOG, length: {len}\n\tFacility {fs} ({facility}), Severity {ss} ({severity})\n\tMsg: ");
        if (len > off) for (int i = off; i < len; i++) Text.PrintChar(nd, nd.U8(p + i));
        if (nd.V > 1) Icmp.UnknownData(nd, p, "\n\t", len);
    }
}

/// <summary>VXLAN (UDP 4789) carrying Ethernet.</summary>
internal static class Vxlan
{
    public static void Print(Nd nd, int bp, int len)
    {
        nd.Proto = "vxlan";
        nd.P("VXLAN");
        if (len < 8) { nd.PrintInvalid(); return; }
        int flags = nd.U8(bp);
        nd.P($", flags [{((flags & 0x08) != 0 ? "I" : "invalid")}] (0x{flags:x2}), ");
        nd.P($"vni {nd.Be24(bp + 4)}\n");
        nd.Check(bp + 7, 1);
        Ether.Print(nd, bp + 8, len - 8, nd.Avail(bp + 8));
    }
}
