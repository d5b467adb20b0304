// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>NFS versions 2 and 3 (RFC 1094, RFC 1813) over ONC RPC (RFC 5531) on port 2049, UDP and TCP (record
/// marking): calls with their file handles and arguments, replies matched to their calls by transaction id (a ring
/// of the last 64 calls, as tcpdump keeps), with attributes at -v/-vv. File handles are decoded with tcpdump's
/// heuristics for the server's operating system.</summary>
internal static class Nfs
{
    private const int Getattr = 1, Setattr = 2, Lookup = 3, Access = 4, Readlink = 5, Read = 6, Write = 7, Create = 8,
        Mkdir = 9, Symlink = 10, Mknod = 11, Remove = 12, Rmdir = 13, Rename = 14, Link = 15, Readdir = 16,
        Readdirplus = 17, Fsstat = 18, Fsinfo = 19, Pathconf = 20, Commit = 21, Noop = 25;

    private static readonly int[] V2ToV3 =
    [
        0, Getattr, Setattr, Noop, Lookup, Readlink, Read, Noop, Write, Create, Remove, Rename, Link, Symlink, Mkdir,
        Rmdir, Readdir, Fsstat, Noop, Noop, Noop, Noop, Noop, Noop, Noop, Noop,
    ];

    private static string ProcName(uint p) => p switch
    {
        25 => "nop", 0 => "null", 1 => "getattr", 2 => "setattr", 3 => "lookup", 4 => "access", 5 => "readlink", 6 => "read",
        7 => "write", 8 => "create", 9 => "mkdir", 10 => "symlink", 11 => "mknod", 12 => "remove", 13 => "rmdir",
        14 => "rename", 15 => "link", 16 => "readdir", 17 => "readdirplus", 18 => "fsstat", 19 => "fsinfo",
        20 => "pathconf", 21 => "commit", _ => $"proc-{p}",
    };

    private static string Status(uint e) => e switch
    {
        1 => "Operation not permitted", 2 => "No such file or directory", 5 => "Input/output error",
        6 => "Device not configured", 11 => "Resource deadlock avoided", 12 => "Cannot allocate memory",
        13 => "Permission denied", 17 => "File exists", 18 => "Cross-device link", 19 => "Operation not supported by device",
        20 => "Not a directory", 21 => "Is a directory", 22 => "Invalid argument", 26 => "Text file busy",
        27 => "File too large", 28 => "No space left on device", 30 => "Read-only file system", 31 => "Too many links",
        45 => "Operation not supported", 62 => "Too many levels of symbolic links", 63 => "File name too long",
        66 => "Directory not empty", 69 => "Disc quota exceeded", 70 => "Stale NFS file handle",
        71 => "Too many levels of remote in path", 99 => "Write cache flushed to disk", 10001 => "Illegal NFS file handle",
        10002 => "Update synchronization mismatch", 10003 => "READDIR/READDIRPLUS cookie is stale",
        10004 => "Operation not supported", 10005 => "Buffer or request is too small", 10006 => "Unspecified error on server",
        10007 => "Object of that type not supported", 10008 => "Request couldn't be completed in time", _ => $"unk {e}",
    };

    private static string WriteMode(uint m) => m switch { 0 => "unstable", 1 => "datasync", 2 => "filesync", _ => $"#{(int)m}" };

    private static string? FileType(uint t) => t switch
    {
        0 => "NON", 1 => "REG", 2 => "DIR", 3 => "BLK", 4 => "CHR", 5 => "LNK", 7 => "FIFO", _ => null,
    };

    private static string AuthStat(uint w) => w switch
    {
        0 => "OK", 1 => "Bogus Credentials (seal broken)", 2 => "Rejected Credentials (client should begin new session)",
        3 => "Bogus Verifier (seal broken)", 4 => "Verifier expired or was replayed", 5 => "Credentials are too weak",
        6 => "Bogus response verifier", 7 => "Unknown failure", _ => $"Invalid failure code {w}",
    };

    private static string AcceptStat(uint a) => a switch
    {
        1 => "PROG_UNAVAIL", 2 => "PROG_MISMATCH", 3 => "PROC_UNAVAIL", 4 => "GARBAGE_ARGS", 5 => "SYSTEM_ERR", _ => $"ar_stat {a}",
    };

    private static string Oct(uint v) => Convert.ToString(v, 8);

    // ---- entry points ----

    /// <summary>UDP: after the addresses, when the port and the RPC direction say NFS; false otherwise.</summary>
    public static bool Udp(PrintContext nd, int cp, int length, int iph, int sport, int dport)
    {
        if (!nd.TTest(cp + 4, 4)) return false;
        uint dir = nd.Be32(cp + 4);
        if (dport == 2049 && dir == 0)
        {
            nd.Print($"NFS request xid {nd.Be32(cp)} ");
            Request(nd, cp, (uint)length, iph);
            return true;
        }
        if (sport == 2049 && dir == 1)
        {
            nd.Print($"NFS reply xid {nd.Be32(cp)} ");
            Reply(nd, cp, (uint)length, iph);
            return true;
        }
        return false;
    }

    /// <summary>TCP (port 2049 either side): the record mark, then the call or reply.</summary>
    public static void Tcp(PrintContext nd, int bp, int length, int iph, int sport, int dport)
    {
        if (length < 4 || !nd.TTest(bp, 4)) return;
        uint fraglen = nd.Be32(bp) & 0x7fffffff;
        if (fraglen > (uint)length - 4) fraglen = (uint)length - 4;
        int rp = bp + 4;
        if (!nd.TTest(rp + 4, 4)) return;
        uint dir = nd.Be32(rp + 4);
        if (dport == 2049 && dir == 0)
        {
            nd.Print($": NFS request xid {nd.Be32(rp)} ");
            Request(nd, rp, fraglen, iph);
        }
        else if (sport == 2049 && dir == 1)
        {
            nd.Print($": NFS reply xid {nd.Be32(rp)} ");
            Reply(nd, rp, fraglen, iph);
        }
    }

    // ---- calls ----

    private static void Request(PrintContext nd, int rp, uint length, int iph)
    {
        nd.Proto = "nfs";
        nd.Print($"{length}");
        if (!nd.Nfs.Enter(nd, rp, iph))
        {
            nd.PrintTrunc();
            return;
        }
        bool v3 = nd.Be32(rp + 16) == 3;
        uint proc = nd.Be32(rp + 20);
        if (!v3 && proc < 26) proc = (uint)V2ToV3[proc];
        nd.Print($" {ProcName(proc)}");
        if (!RequestBody(nd, rp, length, v3, proc)) nd.PrintTrunc();
    }

    private static bool RequestBody(PrintContext nd, int rp, uint length, bool v3, uint proc)
    {
        int dp;
        switch (proc)
        {
            case Getattr or Setattr or Readlink or Fsstat or Fsinfo or Pathconf:
                dp = ParseReq(nd, rp, length);
                return dp >= 0 && ParseFh(nd, dp, v3) >= 0;
            case Lookup or Create or Mkdir or Remove or Rmdir:
                dp = ParseReq(nd, rp, length);
                return dp >= 0 && ParseFhn(nd, dp, v3) >= 0;
            case Access:
                {
                    dp = ParseReq(nd, rp, length);
                    if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                    uint f = nd.Be32(dp);
                    if ((f & ~0x3fu) != 0) nd.Print($" {f:x4}");
                    else if ((f & 0x3f) == 0x3f) nd.Print(" NFS_ACCESS_FULL");
                    else
                    {
                        char sep = ' ';
                        string[] names = ["READ", "LOOKUP", "MODIFY", "EXTEND", "DELETE", "EXECUTE"];
                        for (int i = 0; i < 6; i++)
                        {
                            if ((f & (1u << i)) == 0) continue;
                            nd.Print($"{sep}NFS_ACCESS_{names[i]}");
                            sep = '|';
                        }
                    }
                    return true;
                }
            case Read:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                if (v3) nd.Print($" {nd.Be32(dp + 8)} bytes @ {nd.Be64(dp)}");
                else nd.Print($" {nd.Be32(dp + 4)} bytes @ {nd.Be32(dp)}");
                return true;
            case Write:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                if (v3)
                {
                    nd.Print($" {nd.Be32(dp + 16)} ({nd.Be32(dp + 8)}) bytes @ {nd.Be64(dp)}");
                    if (nd.Verbose > 0) nd.Print($" <{WriteMode(nd.Be32(dp + 12))}>");
                }
                else nd.Print($" {nd.Be32(dp + 12)} ({nd.Be32(dp + 8)}) bytes @ {nd.Be32(dp + 4)} ({nd.Be32(dp)})");
                return true;
            case Symlink:
                {
                    dp = ParseReq(nd, rp, length);
                    if (dp < 0 || (dp = ParseFhn(nd, dp, v3)) < 0) return false;
                    nd.Print(" ->");
                    var sa = new Sattr3();
                    if (v3) dp = ParseSattr3(nd, dp, ref sa);
                    if (ParseFn(nd, dp) < 0) return false;
                    if (v3 && nd.Verbose > 0) PrintSattr3(nd, sa);
                    return true;
                }
            case Mknod:
                {
                    dp = ParseReq(nd, rp, length);
                    if (dp < 0 || (dp = ParseFhn(nd, dp, v3)) < 0) return false;
                    uint type = nd.Be32(dp);
                    var sa = new Sattr3();
                    dp = ParseSattr3(nd, dp + 4, ref sa);
                    nd.Print($" {FileType(type) ?? $"unk-ft {type}"}");
                    if (nd.Verbose > 0 && type is 3 or 4) nd.Print($" {nd.Be32(dp)}/{nd.Be32(dp + 4)}");
                    if (nd.Verbose > 0) PrintSattr3(nd, sa);
                    return true;
                }
            case Rename:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFhn(nd, dp, v3)) < 0) return false;
                nd.Print(" ->");
                return ParseFhn(nd, dp, v3) >= 0;
            case Link:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                nd.Print(" ->");
                return ParseFhn(nd, dp, v3) >= 0;
            case Readdir:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                if (v3)
                {
                    nd.Print($" {nd.Be32(dp + 16)} bytes @ {(long)nd.Be64(dp)}");
                    if (nd.Verbose > 0) nd.Print($" verf {nd.Be32(dp + 8):x8}{nd.Be32(dp + 12):x8}");
                }
                else nd.Print($" {nd.Be32(dp + 4)} bytes @ {nd.Be32(dp)}");
                return true;
            case Readdirplus:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                nd.Print($" {nd.Be32(dp + 16)} bytes @ {(long)nd.Be64(dp)}");
                if (nd.Verbose > 0) nd.Print($" max {nd.Be32(dp + 20)} verf {nd.Be32(dp + 8):x8}{nd.Be32(dp + 12):x8}");
                return true;
            case Commit:
                dp = ParseReq(nd, rp, length);
                if (dp < 0 || (dp = ParseFh(nd, dp, v3)) < 0) return false;
                nd.Print($" {nd.Be32(dp + 8)} bytes @ {nd.Be64(dp)}");
                return true;
        }
        return true;
    }

    private struct Sattr3
    {
        public uint ModeSet, Mode, UidSet, Uid, GidSet, Gid, AtimeType, Asec, Ansec, MtimeType, Msec, Mnsec;
    }

    private static int ParseSattr3(PrintContext nd, int dp, ref Sattr3 s)
    {
        s.ModeSet = nd.Be32(dp); dp += 4;
        if (s.ModeSet != 0) { s.Mode = nd.Be32(dp); dp += 4; }
        s.UidSet = nd.Be32(dp); dp += 4;
        if (s.UidSet != 0) { s.Uid = nd.Be32(dp); dp += 4; }
        s.GidSet = nd.Be32(dp); dp += 4;
        if (s.GidSet != 0) { s.Gid = nd.Be32(dp); dp += 4; }
        uint sizeSet = nd.Be32(dp); dp += 4;
        if (sizeSet != 0) { nd.Be32(dp); dp += 4; }
        s.AtimeType = nd.Be32(dp); dp += 4;
        if (s.AtimeType == 2) { s.Asec = nd.Be32(dp); s.Ansec = nd.Be32(dp + 4); dp += 8; }
        s.MtimeType = nd.Be32(dp); dp += 4;
        if (s.MtimeType == 2) { s.Msec = nd.Be32(dp); s.Mnsec = nd.Be32(dp + 4); dp += 8; }
        return dp;
    }

    private static void PrintSattr3(PrintContext nd, in Sattr3 s)
    {
        if (s.ModeSet != 0) nd.Print($" mode {Oct(s.Mode)}");
        if (s.UidSet != 0) nd.Print($" uid {s.Uid}");
        if (s.GidSet != 0) nd.Print($" gid {s.Gid}");
        if (nd.Verbose > 1)
        {
            if (s.AtimeType == 2) nd.Print($" atime {s.Asec}.{s.Ansec:D6}");
            if (s.MtimeType == 2) nd.Print($" mtime {s.Msec}.{s.Mnsec:D6}");
        }
    }

    /// <summary>parsereq: the offset of the call's arguments past credentials and verifier; -1 when cut.</summary>
    private static int ParseReq(PrintContext nd, int rp, uint length)
    {
        int dp = rp + 24;
        if (length < 8) return -1;
        uint len = nd.Be32(dp + 4);
        uint rounded = (len + 3) & ~3u;
        if (!Fits(nd, dp + 8, rounded)) return -1;
        if (8 + (ulong)rounded <= length)
        {
            dp += (int)((len + 11) / 4) * 4;
            length -= 8 + rounded;
            if (length < 8) return -1;
            len = nd.Be32(dp + 4);
            rounded = (len + 3) & ~3u;
            if (!Fits(nd, dp + 8, rounded)) return -1;
            if (8 + (ulong)rounded < length) return dp + (int)((len + 11) / 4) * 4;
        }
        return -1;
    }

    private static bool Fits(PrintContext nd, int off, uint len) => len <= int.MaxValue && nd.TTest(off, (int)len);

    /// <summary>parsefh: a file handle (v3: length-prefixed, v2: 32 bytes) printed; the offset past it, -1 when cut.</summary>
    private static int ParseFh(PrintContext nd, int dp, bool v3)
    {
        uint words;
        if (v3)
        {
            words = nd.Be32(dp) / 4;
            dp += 4;
        }
        else words = 8;
        if (!Fits(nd, dp, words * 4)) return -1;
        PrintFh(nd, dp, (int)words);
        return dp + (int)words * 4;
    }

    private static int ParseFn(PrintContext nd, int dp)
    {
        uint len = nd.Be32(dp);
        dp += 4;
        if (uint.MaxValue - len < 3)
        {
            nd.Print("[cannot pad to 32-bit boundaries]");
            nd.PrintInvalid();
            return -1;
        }
        uint rounded = (len + 3) & ~3u;
        if (!Fits(nd, dp, rounded)) return -1;
        nd.Print('"');
        for (int i = 0; i < len; i++) Text.PrintChar(nd, nd.Buf[dp + i]);
        nd.Print('"');
        return dp + (int)rounded;
    }

    private static int ParseFhn(PrintContext nd, int dp, bool v3)
    {
        dp = ParseFh(nd, dp, v3);
        if (dp < 0) return -1;
        nd.Print(' ');
        return ParseFn(nd, dp);
    }

    /// <summary>nfs_printfh with tcpdump's Parse_fh: " fh MAJOR,MINOR/INODE", or the server's file system name.</summary>
    private static void PrintFh(PrintContext nd, int fh, int words)
    {
        var b = nd.Buf;
        int type = 0; // 0 unknown, 1 auspex, 2 decosf, 3 irix4, 6 sunos4, 7 ultrix, 8 vms, 9 sunos5, 11 hpux9, 12 bsd44
        if (words >= 4)
        {
            if (b[fh] == 0 && b[fh + 1] == 0)
            {
                if (b[fh + 2] == 0 && b[fh + 3] == 0) type = 1;
                else if (b[fh + 4] != 0 && b[fh + 5] == 0 && b[fh + 8] == 12 && b[fh + 9] == 0) type = 2;
                else if (b[fh + 4] == 0 && b[fh + 5] == 8 && b[fh + 6] == 0 && b[fh + 7] == 0) type = 3;
                else type = 6;
            }
            else if (b[fh + 2] == 0 && b[fh + 3] == 0)
            {
                if (b[fh + 6] == 0 && b[fh + 7] == 0) type = 12;
                else if (words >= 6 && b[fh + 21] == 0 && b[fh + 23] == 0) type = 7;
                else if (b[fh + 9] == 10) type = 9;
            }
            else if (b[fh + 8] == 12 && b[fh + 9] == 0) type = 2;
            else if (b[fh + 8] == 0 && b[fh + 9] == 10)
                type = b[fh + 7] == 0 && b[fh + 6] == 0 && b[fh + 5] == 0 && b[fh + 4] == 0 ? 11 : 9;
            else if (IsUcx(b, fh, words)) type = 8;
        }
        uint major = 0, minor = 0, ino = 0;
        switch (type)
        {
            case 1: minor = b[fh + 7]; major = b[fh + 6]; ino = Be(b, fh + 12); break;
            case 12: minor = b[fh]; major = b[fh + 1]; ino = Le(b, fh + 12); break;
            case 2: { uint t = Le(b, fh); minor = t & 0xFFFFF; major = (t >> 20) & 0xFFF; ino = Le(b, fh + 12); break; }
            case 3: minor = b[fh + 3]; major = b[fh + 2]; ino = Be(b, fh + 8); break;
            case 6: minor = b[fh + 3]; major = b[fh + 2]; ino = Be(b, fh + 12); break;
            case 9:
                major = (uint)((b[fh] << 8 | b[fh + 1]) >> 2) & 0x3FFF;
                minor = (uint)(b[fh + 1] << 16 | b[fh + 2] << 8 | b[fh + 3]) & 0x3FFFF;
                ino = Be(b, fh + 12);
                break;
            case 7: minor = b[fh]; major = b[fh + 1]; ino = Le(b, fh + 4); break;
            case 11: major = b[fh]; minor = (uint)(b[fh + 1] << 16 | b[fh + 2] << 8 | b[fh + 3]); ino = Be(b, fh + 12); break;
            case 8:
                minor = Le(b, fh);
                major = Le(b, fh + 4);
                ino = (uint)(b[fh + 26] << 24 | b[fh + 27] << 16 | b[fh + 22] | b[fh + 23] << 8);
                break;
            default: minor = major = 257; break;
        }
        if (type == 8 || type == 0)
        {
            nd.Print(" fh ");
            int n = Math.Min(words, 64);
            if (type == 0)
            {
                const string Unknown = "Unknown";
                nd.Print(Unknown[..Math.Min(n, Unknown.Length)]);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    byte c = b[fh + 1 + i];
                    if (c == 0 || c == (byte)' ') break;
                    nd.Out.PutByte(c);
                }
            }
            nd.Print('/');
        }
        else nd.Print($" fh {major},{minor}/");
        if (minor == 257)
        {
            if (type == 0)
                for (int i = 0; i < words * 4 && i < 32; i++) nd.Print($"{b[fh + i]:X2}");
            else
                for (int i = 8; i < 14 && b[fh + i] != 0; i++) nd.Out.PutByte(b[fh + i]);
        }
        else nd.Print($"{ino}");
    }

    private static uint Be(byte[] b, int o) => (uint)(b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]);
    private static uint Le(byte[] b, int o) => (uint)(b[o + 3] << 24 | b[o + 2] << 16 | b[o + 1] << 8 | b[o]);

    private static bool IsUcx(byte[] b, int fh, int words)
    {
        if (words < 7) return false;
        bool seenNull = false;
        for (int i = 1; i < 14; i++)
        {
            byte c = b[fh + i];
            if (Text.IsPrint(c))
            {
                if (seenNull) return false;
            }
            else if (c == 0) seenNull = true;
            else return false;
        }
        return true;
    }

    // ---- replies ----

    private static void Reply(PrintContext nd, int rp, uint length, int iph)
    {
        nd.Proto = "nfs";
        if (!nd.TTest(rp + 8, 4)) { nd.PrintTrunc(); return; }
        uint stat = nd.Be32(rp + 8);
        switch (stat)
        {
            case 0:
                nd.Print($"reply ok {length}");
                if (nd.Nfs.Find(nd, rp, iph, out uint proc, out uint vers)) Interpret(nd, rp, proc, vers, length);
                break;
            case 1:
                nd.Print($"reply ERR {length}: ");
                if (!nd.TTest(rp + 12, 4)) { nd.PrintTrunc(); return; }
                uint rstat = nd.Be32(rp + 12);
                if (rstat == 0)
                {
                    if (!nd.TTest(rp + 20, 4)) { nd.PrintTrunc(); return; }
                    nd.Print($"RPC Version mismatch ({nd.Be32(rp + 16)}-{nd.Be32(rp + 20)})");
                }
                else if (rstat == 1)
                {
                    if (!nd.TTest(rp + 16, 4)) { nd.PrintTrunc(); return; }
                    nd.Print($"Auth {AuthStat(nd.Be32(rp + 16))}");
                }
                else nd.Print($"Unknown reason for rejecting rpc message {rstat}");
                break;
            default:
                nd.Print($"reply Unknown rpc response code={stat} {length}");
                break;
        }
    }

    /// <summary>parserep: the offset of the results; -1 when cut or when the call was not accepted (err set).</summary>
    private static int ParseRep(PrintContext nd, int rp, uint length, ref bool err)
    {
        int dp = rp + 12;
        uint len = nd.Be32(dp + 4);
        if (len >= length) return -1;
        dp += (int)((len + 11) / 4) * 4;
        uint astat = nd.Be32(dp);
        if (astat != 0)
        {
            nd.Print($" {AcceptStat(astat)}");
            err = true;
            return -1;
        }
        return dp + 4;
    }

    private static int ParseStatus(PrintContext nd, int dp, out uint er, ref bool err)
    {
        er = nd.Be32(dp);
        if (er != 0)
        {
            if (!nd.Settings.Quick) nd.Print($" ERROR: {Status(er)}");
            err = true;
        }
        return dp + 4;
    }

    private static int ParseFattr(PrintContext nd, int dp, int verbose, bool v3)
    {
        if (!nd.TTest(dp + 16, 4)) return -1;
        if (verbose > 0)
        {
            uint t = nd.Be32(dp);
            nd.Print($" {FileType(t) ?? $"unk-ft {t} "} {Oct(nd.Be32(dp + 4))} ids {(int)nd.Be32(dp + 12)}/{(int)nd.Be32(dp + 16)}");
            if (v3) nd.Print($" sz {nd.Be64(dp + 20)}");
            else nd.Print($" sz {nd.Be32(dp + 20)}");
        }
        if (verbose > 1)
        {
            if (v3)
            {
                if (!nd.TTest(dp + 76, 8)) return -1;
                nd.Print($" nlink {nd.Be32(dp + 8)} rdev {nd.Be32(dp + 36)}/{nd.Be32(dp + 40)}");
                nd.Print($" fsid {nd.Be64(dp + 44):x}");
                nd.Print($" fileid {nd.Be64(dp + 52):x}");
                nd.Print($" a/m/ctime {nd.Be32(dp + 60)}.{nd.Be32(dp + 64):D6}");
                nd.Print($" {nd.Be32(dp + 68)}.{nd.Be32(dp + 72):D6}");
                nd.Print($" {nd.Be32(dp + 76)}.{nd.Be32(dp + 80):D6}");
            }
            else
            {
                if (!nd.TTest(dp + 60, 8)) return -1;
                nd.Print($" nlink {nd.Be32(dp + 8)} rdev 0x{nd.Be32(dp + 28):x} fsid 0x{nd.Be32(dp + 36):x} nodeid 0x{nd.Be32(dp + 40):x} a/m/ctime");
                nd.Print($" {nd.Be32(dp + 44)}.{nd.Be32(dp + 48):D6}");
                nd.Print($" {nd.Be32(dp + 52)}.{nd.Be32(dp + 56):D6}");
                nd.Print($" {nd.Be32(dp + 60)}.{nd.Be32(dp + 64):D6}");
            }
        }
        return dp + (v3 ? 84 : 68);
    }

    private static bool ParseAttrStat(PrintContext nd, int dp, int verbose, bool v3, ref bool err)
    {
        dp = ParseStatus(nd, dp, out uint er, ref err);
        if (er != 0) return true;
        return ParseFattr(nd, dp, verbose, v3) >= 0;
    }

    private static bool ParseDirOpRes(PrintContext nd, int dp, ref bool err)
    {
        dp = ParseStatus(nd, dp, out uint er, ref err);
        if (er != 0) return true;
        dp = ParseFh(nd, dp, false);
        if (dp < 0) return false;
        return ParseFattr(nd, dp, nd.Verbose, false) >= 0;
    }

    private static int PreOpAttr(PrintContext nd, int dp, int verbose)
    {
        if (nd.Be32(dp) == 0) return dp + 4;
        dp += 4;
        if (!nd.TTest(dp, 24)) return -1;
        if (verbose > 1)
        {
            nd.Print($" sz {nd.Be64(dp)}");
            nd.Print($" mtime {nd.Be32(dp + 8)}.{nd.Be32(dp + 12):D6} ctime {nd.Be32(dp + 16)}.{nd.Be32(dp + 20):D6}");
        }
        return dp + 24;
    }

    private static int PostOpAttr(PrintContext nd, int dp, int verbose)
    {
        if (nd.Be32(dp) == 0) return dp + 4;
        dp += 4;
        return verbose > 0 ? ParseFattr(nd, dp, verbose, true) : dp + 84;
    }

    private static int WccData(PrintContext nd, int dp, int verbose)
    {
        if (verbose > 1) nd.Print(" PRE:");
        dp = PreOpAttr(nd, dp, verbose);
        if (dp < 0) return -1;
        if (verbose > 0) nd.Print(" POST:");
        return PostOpAttr(nd, dp, verbose);
    }

    private static int CreateOpRes(PrintContext nd, int dp, int verbose, ref bool err)
    {
        dp = ParseStatus(nd, dp, out uint er, ref err);
        if (er != 0) return WccData(nd, dp, verbose);
        if (nd.Be32(dp) == 0) return dp + 4;
        dp = ParseFh(nd, dp + 4, true);
        if (dp < 0) return -1;
        if (verbose > 0)
        {
            dp = PostOpAttr(nd, dp, verbose);
            if (dp < 0) return -1;
            if (nd.Verbose > 1)
            {
                nd.Print(" dir attr:");
                dp = WccData(nd, dp, verbose);
            }
        }
        return dp;
    }

    private static int WccRes(PrintContext nd, int dp, int verbose, ref bool err)
    {
        dp = ParseStatus(nd, dp, out _, ref err);
        return WccData(nd, dp, verbose);
    }

    private static int V3ReaddirRes(PrintContext nd, int dp, int verbose, ref bool err)
    {
        dp = ParseStatus(nd, dp, out uint er, ref err);
        if (nd.Verbose > 0) nd.Print(" POST:");
        dp = PostOpAttr(nd, dp, verbose);
        if (dp < 0) return -1;
        if (er != 0) return dp;
        if (nd.Verbose > 0)
        {
            nd.Print($" verf {nd.Be32(dp):x8}{nd.Be32(dp + 4):x8}");
            dp += 8;
        }
        return dp;
    }

    private static void Interpret(PrintContext nd, int rp, uint proc, uint vers, uint length)
    {
        bool v3 = vers == 3, err = false;
        if (!v3 && proc < 26) proc = (uint)V2ToV3[proc];
        nd.Print($" {ProcName(proc)}");
        int v = nd.Verbose;
        if (proc is Getattr or Setattr or Lookup or Access or Readlink or Read or Write or Create or Mkdir or Symlink or Mknod
            or Remove or Rmdir or Rename or Link or Readdir or Readdirplus or Fsstat or Fsinfo or Pathconf or Commit)
        {
            int dp = ParseRep(nd, rp, length, ref err);
            if (dp < 0 || !InterpretBody(nd, dp, proc, v3, v, ref err))
            {
                if (!err) nd.PrintTrunc();
            }
        }
    }

    private static bool InterpretBody(PrintContext nd, int dp, uint proc, bool v3, int v, ref bool err)
    {
        uint er;
        switch (proc)
        {
            case Getattr:
                return ParseAttrStat(nd, dp, nd.Settings.Quick ? 0 : 1, v3, ref err);
            case Setattr:
                return v3 ? WccRes(nd, dp, v, ref err) >= 0 : ParseAttrStat(nd, dp, nd.Settings.Quick ? 0 : 1, false, ref err);
            case Lookup:
                if (!v3) return ParseDirOpRes(nd, dp, ref err);
                dp = ParseStatus(nd, dp, out er, ref err);
                if (er == 0)
                {
                    if ((dp = ParseFh(nd, dp, true)) < 0) return false;
                    if ((dp = PostOpAttr(nd, dp, v)) < 0) return false;
                }
                if (v > 1)
                {
                    nd.Print(" post dattr:");
                    if (PostOpAttr(nd, dp, v) < 0) return false;
                }
                return true;
            case Access:
                dp = ParseStatus(nd, dp, out er, ref err);
                if (v > 0) nd.Print(" attr:");
                if ((dp = PostOpAttr(nd, dp, v)) < 0) return false;
                if (er == 0) nd.Print($" c {nd.Be32(dp):x4}");
                return true;
            case Readlink:
                dp = ParseStatus(nd, dp, out er, ref err);
                if (er != 0) return true;
                if (v3 && (dp = PostOpAttr(nd, dp, v)) < 0) return false;
                nd.Print(' ');
                return ParseFn(nd, dp) >= 0;
            case Read:
                if (!v3) return ParseAttrStat(nd, dp, v, false, ref err);
                dp = ParseStatus(nd, dp, out er, ref err);
                if ((dp = PostOpAttr(nd, dp, v)) < 0) return false;
                if (er == 0 && v > 0)
                {
                    nd.Print($" {nd.Be32(dp)} bytes");
                    if (nd.Be32(dp + 4) != 0) nd.Print(" EOF");
                }
                return true;
            case Write:
                if (!v3) return ParseAttrStat(nd, dp, v, false, ref err);
                dp = ParseStatus(nd, dp, out er, ref err);
                if ((dp = WccData(nd, dp, v)) < 0) return false;
                if (er == 0 && v > 0)
                {
                    nd.Print($" {nd.Be32(dp)} bytes");
                    if (v > 1)
                    {
                        nd.Print($" <{WriteMode(nd.Be32(dp + 4))}>");
                        nd.Print($" verf {nd.Be64(dp + 8):x}");
                    }
                }
                return true;
            case Create or Mkdir:
                return v3 ? CreateOpRes(nd, dp, v, ref err) >= 0 : ParseDirOpRes(nd, dp, ref err);
            case Symlink:
                if (v3) return CreateOpRes(nd, dp, v, ref err) >= 0;
                ParseStatus(nd, dp, out _, ref err);
                return true;
            case Mknod:
                return CreateOpRes(nd, dp, v, ref err) >= 0;
            case Remove or Rmdir:
                if (v3) return WccRes(nd, dp, v, ref err) >= 0;
                ParseStatus(nd, dp, out _, ref err);
                return true;
            case Rename:
                dp = ParseStatus(nd, dp, out _, ref err);
                if (v3 && v > 0)
                {
                    nd.Print(" from:");
                    if ((dp = WccData(nd, dp, v)) < 0) return false;
                    nd.Print(" to:");
                    if (WccData(nd, dp, v) < 0) return false;
                }
                return true;
            case Link:
                dp = ParseStatus(nd, dp, out _, ref err);
                if (v3 && v > 0)
                {
                    nd.Print(" file POST:");
                    if ((dp = PostOpAttr(nd, dp, v)) < 0) return false;
                    nd.Print(" dir:");
                    if (WccData(nd, dp, v) < 0) return false;
                }
                return true;
            case Readdir:
                if (v3) return V3ReaddirRes(nd, dp, v, ref err) >= 0;
                dp = ParseStatus(nd, dp, out er, ref err);
                if (er != 0 || nd.Settings.Quick) return true;
                nd.Print($" offset 0x{nd.Be32(dp):x} size {nd.Be32(dp + 4)} ");
                if (nd.Be32(dp + 8) != 0) nd.Print(" eof");
                return true;
            case Readdirplus:
                return V3ReaddirRes(nd, dp, v, ref err) >= 0;
            case Fsstat:
                return StatFs(nd, dp, v3, ref err);
            case Fsinfo:
                dp = ParseStatus(nd, dp, out er, ref err);
                if (v > 0) nd.Print(" POST:");
                if ((dp = PostOpAttr(nd, dp, v)) < 0) return false;
                if (er != 0) return true;
                if (!nd.TTest(dp, 48)) return false;
                nd.Print($" rtmax {nd.Be32(dp)} rtpref {nd.Be32(dp + 4)} wtmax {nd.Be32(dp + 12)} wtpref {nd.Be32(dp + 16)} dtpref {nd.Be32(dp + 24)}");
                if (v > 0)
                {
                    nd.Print($" rtmult {nd.Be32(dp + 8)} wtmult {nd.Be32(dp + 20)} maxfsz {nd.Be64(dp + 28)}");
                    nd.Print($" delta {nd.Be32(dp + 36)}.{nd.Be32(dp + 40):D6} ");
                }
                return true;
            case Pathconf:
                dp = ParseStatus(nd, dp, out er, ref err);
                if (v > 0) nd.Print(" POST:");
                if ((dp = PostOpAttr(nd, dp, v)) < 0) return false;
                if (er != 0) return true;
                if (!nd.TTest(dp, 24)) return false;
                nd.Print($" linkmax {nd.Be32(dp)} namemax {nd.Be32(dp + 4)} {(nd.Be32(dp + 8) != 0 ? "notrunc" : "")} " +
                    $"{(nd.Be32(dp + 12) != 0 ? "chownres" : "")} {(nd.Be32(dp + 16) != 0 ? "igncase" : "")} " +
                    $"{(nd.Be32(dp + 20) != 0 ? "keepcase" : "")}");
                return true;
            case Commit:
                if ((dp = WccRes(nd, dp, v, ref err)) < 0) return false;
                if (v > 1) nd.Print($" verf {nd.Be64(dp):x}");
                return true;
        }
        return true;
    }

    private static bool StatFs(PrintContext nd, int dp, bool v3, ref bool err)
    {
        dp = ParseStatus(nd, dp, out uint er, ref err);
        if (!v3 && er != 0) return true;
        if (nd.Settings.Quick) return true;
        if (v3)
        {
            if (nd.Verbose > 0) nd.Print(" POST:");
            if ((dp = PostOpAttr(nd, dp, nd.Verbose)) < 0) return false;
        }
        if (!nd.TTest(dp, v3 ? 52 : 20)) return false;
        if (v3)
        {
            nd.Print($" tbytes {nd.Be64(dp)} fbytes {nd.Be64(dp + 8)} abytes {nd.Be64(dp + 16)}");
            if (nd.Verbose > 0)
                nd.Print($" tfiles {nd.Be64(dp + 24)} ffiles {nd.Be64(dp + 32)} afiles {nd.Be64(dp + 40)} invar {nd.Be32(dp + 48)}");
        }
        else
            nd.Print($" tsize {nd.Be32(dp)} bsize {nd.Be32(dp + 4)} blocks {nd.Be32(dp + 8)} bfree {nd.Be32(dp + 12)} bavail {nd.Be32(dp + 16)}");
        return true;
    }
}

/// <summary>The last 64 NFS calls (xid, client, server, procedure, version), so that replies can be decoded.</summary>
internal sealed class NfsState
{
    private const int Size = 64;
    private readonly uint[] _xid = new uint[Size];
    private readonly int[] _ipver = new int[Size];
    private readonly byte[] _client = new byte[Size * 16];
    private readonly byte[] _server = new byte[Size * 16];
    private readonly uint[] _proc = new uint[Size];
    private readonly uint[] _vers = new uint[Size];
    private int _next, _hint;

    public bool Enter(PrintContext nd, int rp, int iph)
    {
        if (!nd.TTest(rp + 20, 4)) return false;
        int v = nd.Buf[iph] >> 4;
        if (v != 4 && v != 6) return true;
        int e = _next;
        if (++_next >= Size) _next = 0;
        _xid[e] = nd.Be32(rp);
        _ipver[e] = v;
        if (v == 4)
        {
            nd.Buf.AsSpan(iph + 12, 4).CopyTo(_client.AsSpan(e * 16));
            nd.Buf.AsSpan(iph + 16, 4).CopyTo(_server.AsSpan(e * 16));
        }
        else
        {
            nd.Buf.AsSpan(iph + 8, 16).CopyTo(_client.AsSpan(e * 16));
            nd.Buf.AsSpan(iph + 24, 16).CopyTo(_server.AsSpan(e * 16));
        }
        _proc[e] = nd.Be32(rp + 20);
        _vers[e] = nd.Be32(rp + 16);
        return true;
    }

    public bool Find(PrintContext nd, int rp, int iph, out uint proc, out uint vers)
    {
        uint xid = nd.Be32(rp);
        int v = nd.Buf[iph] >> 4;
        int i = _hint;
        do
        {
            if (_ipver[i] == v && _xid[i] == xid)
            {
                int n = v == 4 ? 4 : 16;
                int src = v == 4 ? iph + 12 : iph + 8, dst = v == 4 ? iph + 16 : iph + 24;
                bool match = v is 4 or 6 &&
                    nd.Buf.AsSpan(src, n).SequenceEqual(_server.AsSpan(i * 16, n)) &&
                    nd.Buf.AsSpan(dst, n).SequenceEqual(_client.AsSpan(i * 16, n));
                if (match)
                {
                    _hint = i;
                    proc = _proc[i];
                    vers = _vers[i];
                    return true;
                }
            }
            if (++i >= Size) i = 0;
        }
        while (i != _hint);
        proc = vers = 0;
        return false;
    }
}
