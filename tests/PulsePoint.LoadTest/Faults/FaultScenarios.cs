namespace PulsePoint.LoadTest.Faults;

/// <summary>The four faults of the fault suite (deploy/faults.sh), each injected with the deploy scripts an operator would use.</summary>
public static class FaultScenarios
{
    /// <summary>The silo killed and restarted by kill-silo (not silo 1, so the one a newcomer watches on :8080 stays up).</summary>
    public const int VictimSilo = 2;

    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        new("kill-silo", $"kill -9 silo {VictimSilo} of 3, restart it after the hold", async run =>
        {
            run.MarkFault($"kill -9 silo {VictimSilo}");
            await run.Scripts.RunAsync("cluster.sh", "kill", VictimSilo.ToString());
            await run.HoldAsync(run.Options.KillHold, $"silo {VictimSilo} dead");
            run.Mark($"restart silo {VictimSilo}");
            await run.Scripts.RunAsync("cluster.sh", "restart", VictimSilo.ToString());
            run.Mark($"silo {VictimSilo} ready");
        }),
        new("postgres-restart", "stop PostgreSQL (fast shutdown), keep it down, start it again", async run =>
        {
            run.MarkFault("stop PostgreSQL");
            await run.Scripts.RunAsync("postgres.sh", "stop");
            await run.HoldAsync(run.Options.PostgresDown, "PostgreSQL down");
            run.Mark("start PostgreSQL");
            await run.Scripts.RunAsync("postgres.sh", "start");
            run.Mark("PostgreSQL started");
        }),
        new("pubsub-outage", "Pub/Sub unreachable for the silos (connection refused), then back", async run =>
        {
            run.MarkFault("Pub/Sub down");
            run.Proxy.Down();
            run.Subscriber.Pause();
            await run.HoldAsync(run.Options.PubSubDown, "Pub/Sub down");
            run.Mark("Pub/Sub up");
            run.Proxy.Up();
            run.Subscriber.Resume();
        }),
        new("rolling-restart", "each silo in turn: SIGTERM (graceful stop), start again, wait until ready", async run =>
        {
            for (var silo = 1; silo <= run.Options.Silos; silo++)
            {
                if (silo == 1)
                {
                    run.MarkFault("stop silo 1");
                }
                else
                {
                    run.Mark($"stop silo {silo}");
                }

                await run.Scripts.RunAsync("cluster.sh", "stop", silo.ToString());
                run.Mark($"start silo {silo}");
                await run.Scripts.RunAsync("cluster.sh", "restart", silo.ToString());
                run.Mark($"silo {silo} ready");
            }
        }),
    ];
}
