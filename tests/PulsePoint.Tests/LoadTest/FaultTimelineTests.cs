using PulsePoint.LoadTest.Faults;

namespace PulsePoint.Tests.LoadTest;

/// <summary>
/// The fault suite's recovery figures and verdict, on hand-made timelines (the suite itself needs a real
/// 3-silo cluster and minutes per scenario: deploy/faults.sh, not CI).
/// </summary>
public sealed class FaultTimelineTests
{
    private static LoadTimeline Timeline(params (int Second, int Events)[] seconds)
    {
        var timeline = new LoadTimeline();
        foreach (var (second, events) in seconds)
        {
            if (events > 0)
            {
                timeline.Success(second * 1000.0 + 100, second * 1000.0 + 500, events);
            }
        }

        return timeline;
    }

    private static (int, int)[] Steady(int from, int to, int events) => Enumerable.Range(from, to - from).Select(s => (s, events)).ToArray();

    [Fact]
    public void Throughput_is_back_at_the_second_after_the_last_dip_below_80_percent()
    {
        var timeline = Timeline([.. Steady(0, 10, 100), .. Steady(10, 13, 0), (13, 79), .. Steady(14, 20, 100)]);

        Assert.Equal(4000, timeline.ThroughputRecovered(faultMs: 10_000, endMs: 20_000, baselineRate: 100));
        Assert.Equal(100, timeline.Rate(0, 10));
        Assert.Equal(0, timeline.MinimumIn(10, 20));
    }

    [Fact]
    public void Throughput_that_never_dipped_recovers_in_zero_and_one_that_is_still_down_never()
    {
        var steady = Timeline(Steady(0, 20, 100));
        Assert.Equal(0, steady.ThroughputRecovered(10_000, 20_000, 100));

        var down = Timeline([.. Steady(0, 10, 100), .. Steady(17, 19, 100)]);
        Assert.Null(down.ThroughputRecovered(10_000, 20_000, 100));  // only two good seconds after the last dip
    }

    [Fact]
    public void First_success_counts_only_calls_started_after_the_fault_and_last_error_only_errors_after_it()
    {
        var timeline = new LoadTimeline();
        timeline.Success(startedMs: 9_900, atMs: 10_200, events: 20);    // started before the fault
        timeline.Error(9_500, "TimeoutException", "before");
        timeline.Error(12_000, "TimeoutException", "Response did not arrive on time");
        timeline.Error(13_000, "EventSinkUnavailableException", "PostgreSQL did not commit");
        timeline.Success(startedMs: 13_100, atMs: 13_400, events: 20);

        Assert.Equal(3_400, timeline.FirstSuccessAfter(10_000));
        Assert.Equal(3_000, timeline.LastErrorAfter(10_000));
        Assert.Null(timeline.LastErrorAfter(14_000));
        Assert.Equal(2, timeline.ErrorsByType["TimeoutException"]);
        Assert.Equal("before", timeline.ErrorSamples["TimeoutException"]);
    }

    [Fact]
    public void A_scenario_with_a_missing_acknowledged_event_fails_and_the_report_says_which_check()
    {
        var passed = new FaultScenarioResult { Name = "kill-silo", Description = "d", Acknowledged = 10, StoredAcknowledged = 10 };
        var failed = new FaultScenarioResult { Name = "postgres-restart", Description = "d", Acknowledged = 10, StoredAcknowledged = 9, MissingAcknowledged = 1 };
        failed.Failures.Add("1 acknowledged events are not in PostgreSQL");

        var markdown = FaultReport.Markdown([passed, failed]);

        Assert.True(passed.Passed);
        Assert.False(failed.Passed);
        Assert.Contains("| result | PASS | FAIL |", markdown);
        Assert.Contains("| acknowledged missing | 0 | 1 |", markdown);
        Assert.Contains("postgres-restart FAILED: 1 acknowledged events are not in PostgreSQL", markdown);
    }
}
