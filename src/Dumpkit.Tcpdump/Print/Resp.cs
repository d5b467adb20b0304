// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Redis serialization protocol (TCP 6379).</summary>
/// <remarks>Specification: the Redis serialization protocol specification (RESP2).</remarks>
internal static class Resp
{
    private sealed class Trunc : Exception;
    private static readonly Trunc TruncInstance = new();

    public static void Print(PrintContext nd, int bp, int length)
    {
        nd.Proto = "resp";
        nd.Print(": RESP");
        try
        {
            while (length > 0)
            {
                int r = Parse(nd, bp, length);
                bp += r;
                length -= r;
            }
        }
        catch (Trunc)
        {
            nd.PrintTrunc();
        }
    }

    private static void Need(int tot, int len) { if (tot < len) throw TruncInstance; }

    private static int FindCrLf(PrintContext nd, ref int p, ref int len)
    {
        while (true)
        {
            Need(len, 2);
            if (!nd.TTest(p, 2)) throw TruncInstance;
            if (nd.U8(p) == '\r' && nd.U8(p + 1) == '\n') return p;
            p++; len--;
        }
    }

    private static void Segment(PrintContext nd, int bp, int len)
    {
        nd.Print(" \"");
        for (int i = 0; i < len; i++)
        {
            if (bp + i >= nd.SnapEnd) throw TruncInstance;
            Text.PrintChar(nd, nd.U8(bp + i));
        }
        nd.Print('"');
    }

    private static int Parse(PrintContext nd, int bp, int length)
    {
        Need(length, 1);
        byte op = nd.U8(bp);
        return op switch
        {
            (byte)'+' or (byte)':' or (byte)'-' => SimpleLine(nd, bp, length),
            (byte)'$' => Bulk(nd, bp, length),
            (byte)'*' => Array(nd, bp, length),
            _ => Inline(nd, bp, length),
        };
    }

    private static int SimpleLine(PrintContext nd, int bp, int length)
    {
        int cur = length - 1;
        bp++;
        int p = bp;
        FindCrLf(nd, ref p, ref cur);
        int len = p - bp;
        Segment(nd, bp, len);
        return 1 + len + 2;
    }

    private static int GetLength(PrintContext nd, ref int bp, ref int len)
    {
        int start = bp;
        int result = GetLengthCore(nd, ref bp, ref len);
        _ = start;
        return result;
    }

    private static int GetLengthCore(PrintContext nd, ref int bp, ref int len)
    {
        if (len == 0) return -2;
        bool tooLarge = false, neg = false, saw = false;
        if (nd.U8(bp) == '-') { neg = true; bp++; len--; }
        int result = 0;
        while (true)
        {
            if (len == 0) return -2;
            int c = nd.U8(bp);
            if (c < '0' || c > '9')
            {
                if (!saw) { bp++; len--; return -5; }
                break;
            }
            c -= '0';
            if (result > int.MaxValue / 10) tooLarge = true;
            else
            {
                result *= 10;
                if (result == int.MaxValue / 10 * 10 && c > int.MaxValue % 10) tooLarge = true;
                else result += c;
            }
            bp++; len--;
            saw = true;
        }
        if (nd.U8(bp) != '\r') { bp++; len--; return -5; }
        bp++; len--;
        if (len == 0) return -2;
        if (nd.U8(bp) != '\n') { bp++; len--; return -5; }
        bp++; len--;
        if (neg)
        {
            if (tooLarge || result != 1) return -4;
            result = -1;
        }
        return tooLarge ? -3 : result;
    }

    private static void Special(PrintContext nd, int v)
    {
        switch (v)
        {
            case -1: nd.Print(" null"); break;
            case -2: throw TruncInstance;
            case -3: nd.Print(" length too large"); break;
            case -4: nd.Print(" length negative and not -1"); break;
            default: nd.Print(" invalid"); break;
        }
    }

    private static int Bulk(PrintContext nd, int bp, int length)
    {
        int cur = length - 1;
        bp++;
        int slen = GetLength(nd, ref bp, ref cur);
        if (slen >= 0)
        {
            if (slen == 0) nd.Print(" empty");
            else
            {
                Need(cur, slen);
                if (!nd.TTest(bp, slen)) throw TruncInstance;
                Segment(nd, bp, slen);
                bp += slen; cur -= slen;
            }
            FindCrLf(nd, ref bp, ref cur);
            bp += 2; cur -= 2;
        }
        else Special(nd, slen);
        return length - cur;
    }

    private static int Array(PrintContext nd, int bp, int length)
    {
        int cur = length - 1;
        bp++;
        int alen = GetLength(nd, ref bp, ref cur);
        if (alen > 0)
        {
            for (int i = 0; i < alen; i++)
            {
                int r = Parse(nd, bp, cur);
                bp += r; cur -= r;
            }
        }
        else if (alen == 0) nd.Print(" empty");
        else Special(nd, alen);
        return length - cur;
    }

    private static void ConsumeCrOrLf(PrintContext nd, ref int p, ref int len)
    {
        bool found = false;
        while (true)
        {
            if (len == 0 || !nd.TTest(p, 1))
            {
                if (found) break;
                throw TruncInstance;
            }
            byte c = nd.U8(p);
            if (c != '\r' && c != '\n') break;
            found = true;
            p++; len--;
        }
    }

    private static int Inline(PrintContext nd, int bp, int length)
    {
        int cur = length;
        ConsumeCrOrLf(nd, ref bp, ref cur);
        int p = bp;
        while (true)
        {
            Need(cur, 1);
            byte c = nd.U8(p);
            if (c == '\r' || c == '\n') break;
            p++; cur--;
        }
        Segment(nd, bp, p - bp);
        ConsumeCrOrLf(nd, ref p, ref cur);
        return length - cur;
    }
}
