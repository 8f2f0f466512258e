using System.Globalization;

namespace PulsePoint.LoadTest.Faults;

/// <summary>The suite's report: one column per scenario, one row per figure, as aligned text and as Markdown.</summary>
public static class FaultReport
{
    public static IReadOnlyList<(string Figure, string[] Values)> Rows(IReadOnlyList<FaultScenarioResult> results)
    {
        string[] Each(Func<FaultScenarioResult, string> f) => results.Select(f).ToArray();
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        static string Ms(double? ms) => ms is { } v ? (v / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s" : "never";
        static string Errors(IReadOnlyDictionary<string, long> errors) =>
            errors.Count == 0 ? "0" : string.Join(", ", errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {N(e.Value)}"));

        return
        [
            ("result", Each(r => r.Passed ? "PASS" : "FAIL")),
            ("events acknowledged", Each(r => N(r.Acknowledged))),
            ("  of which AlreadyStored on retry", Each(r => N(r.AcknowledgedAlreadyStored))),
            ("acknowledged stored (PostgreSQL)", Each(r => N(r.StoredAcknowledged))),
            ("acknowledged missing", Each(r => N(r.MissingAcknowledged))),
            ("ids with >1 row (duplicates)", Each(r => N(r.Duplicated))),
            ("stored but never acknowledged", Each(r => N(r.StoredUnacknowledged))),
            ("sent, not acknowledged (abandoned)", Each(r => N(r.Attempted - r.Acknowledged))),
            ("Pub/Sub: acknowledged delivered", Each(r => N(r.PubSubDelivered))),
            ("Pub/Sub: acknowledged missing", Each(r => N(r.PubSubMissing))),
            ("Pub/Sub: redelivered messages", Each(r => N(r.PubSubRedelivered))),
            ("Pub/Sub: caught up after last action", Each(r => Ms(r.PubSubCaughtUpMs))),
            ("pubsub cursors after", Each(r => r.Cursors)),
            ("append errors seen by clients", Each(r => Errors(r.AppendErrors))),
            ("tenant-check errors", Each(r => Errors(r.CheckErrors))),
            ("tenant checks (wrong answers)", Each(r => $"{N(r.TenantChecks)} ({N(r.WrongTenantAnswers)})")),
            ("tenant status after", Each(r => r.TenantAfter)),
            ("reconcile: tenant-days checked, drifted", Each(r => r.Reconcile is { } c ? $"{N(c.TenantDaysChecked)}, {N(c.Drifted)}" : "did not run")),
            ("reconcile: ledger USD (usage rows)", Each(r => r.Reconcile is { } c ? $"{c.Days.Sum(d => d.LedgerUsd):0.000000} ({N(c.Days.Sum(d => d.LedgerEvents))})" : "")),
            ("reconcile: not checked", Each(r => r.Reconcile is { } c ? string.Join("; ", c.Sources.Where(s => s.Description.StartsWith("not checked", StringComparison.Ordinal)).Select(s => s.Source)) : "")),
            ("events/s before", Each(r => r.RateBefore.ToString("0", CultureInfo.InvariantCulture))),
            ("lowest 1-s events/s after fault", Each(r => N(r.LowestSecond))),
            ("events/s, last 10 s", Each(r => r.RateAfter.ToString("0", CultureInfo.InvariantCulture))),
            ("fault → first successful append", Each(r => Ms(r.FirstSuccessMs))),
            ("fault → last append error", Each(r => r.LastErrorMs is null ? "no errors" : Ms(r.LastErrorMs))),
            ("fault → throughput ≥ 80% for good", Each(r => Ms(r.ThroughputBackMs))),
            ("actions (s after fault)", Each(r => string.Join("; ", r.Marks.Select(m => $"{(m.AtMs - r.Marks[0].AtMs) / 1000:0.0} {m.Label}")))),
        ];
    }

    public static void WriteTable(TextWriter output, IReadOnlyList<FaultScenarioResult> results)
    {
        var rows = Rows(results);
        var header = new[] { "figure" }.Concat(results.Select(r => r.Name)).ToArray();
        var all = new List<string[]> { header };
        all.AddRange(rows.Select(r => new[] { r.Figure }.Concat(r.Values).ToArray()));
        var widths = header.Select((_, i) => all.Max(row => row[i].Length)).ToArray();
        output.WriteLine();
        foreach (var (row, index) in all.Select((row, index) => (row, index)))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            if (index == 0)
            {
                output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        WriteFindings(output, results, "");
    }

    public static string Markdown(IReadOnlyList<FaultScenarioResult> results)
    {
        var text = new StringWriter();
        text.WriteLine("| figure | " + string.Join(" | ", results.Select(r => r.Name)) + " |");
        text.WriteLine("|---|" + string.Concat(results.Select(_ => "---|")));
        foreach (var (figure, values) in Rows(results))
        {
            text.WriteLine($"| {figure.Trim()} | {string.Join(" | ", values.Select(v => v.Replace("|", "\\|")))} |");
        }

        text.WriteLine();
        WriteFindings(text, results, "- ");
        return text.ToString();
    }

    private static void WriteFindings(TextWriter output, IReadOnlyList<FaultScenarioResult> results, string bullet)
    {
        output.WriteLine();
        foreach (var r in results)
        {
            foreach (var failure in r.Failures)
            {
                output.WriteLine($"{bullet}{r.Name} FAILED: {failure}");
            }

            foreach (var sample in r.ErrorSamples)
            {
                output.WriteLine($"{bullet}{r.Name}: first {sample.Key}: \"{sample.Value.ReplaceLineEndings(" ")}\"");
            }
        }
    }
}
