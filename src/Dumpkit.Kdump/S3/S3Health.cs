// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Kdump.S3;

/// <summary>
/// KDUMP_S3 for status and test: the keys and the credentials file, the bucket answering (HEAD), for test a
/// probe object written and deleted (the bucket is writable with these credentials), and the dump directories
/// whose upload never completed.
/// </summary>
internal static class S3Health
{
    /// <summary>The target's problem (null when fine) and what was found; the incomplete uploads, one line each.</summary>
    public static (string? Problem, string Detail, List<string> Incomplete) Check(KdumpConfig c, bool writeProbe)
    {
        S3Target t;
        S3Client client;
        try
        {
            t = S3Target.FromConfig(c)!;
            client = new S3Client(t, S3Credentials.Load(t.CredentialsPath)) { Attempts = 1, Timeout = TimeSpan.FromSeconds(10) };
        }
        catch (S3ConfigException e)
        {
            return (e.Message, c.Get("KDUMP_S3")!, []);
        }
        if (client.BucketProblem() is { } problem)
            return ($"KDUMP_S3: {problem}", t.Url, []);
        string detail = $"{t.Url}: the bucket answers";
        if (writeProbe)
        {
            string key = t.Key($".dumpkit-test.{DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}.{Environment.ProcessId}");
            try
            {
                client.PutObject(key, Encoding.ASCII.GetBytes("dumpkit kdump test: can write here\n"), "text/plain");
                client.DeleteObject(key);
                detail = $"{t.Url}: the bucket answers and is writable (a probe object was written and deleted)";
            }
            catch (IOException e)
            {
                return ($"KDUMP_S3: {t.Url}: the bucket is not writable with these credentials: {e.Message}", t.Url, []);
            }
        }
        try
        {
            return (null, detail, S3DumpDirectory.IncompleteLines(client));
        }
        catch (IOException e)
        {
            return ($"KDUMP_S3: {t.Url}: cannot list the dumps: {e.Message}", t.Url, []);
        }
    }
}
