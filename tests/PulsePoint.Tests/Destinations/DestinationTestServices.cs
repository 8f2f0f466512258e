using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Destinations;

namespace PulsePoint.Tests.Destinations;

/// <summary>Builds destinations the way a silo does: configuration through AddPulsePointDestinationAdapters.</summary>
public static class DestinationTestServices
{
    public const string Project = "pulsepoint-test";

    public static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPulsePointDestinationAdapters(configuration).BuildServiceProvider();
    }

    /// <summary>A Pub/Sub realtime destination on <paramref name="emulatorHost"/> with short, bounded retries.</summary>
    public static ServiceProvider PubSub(string emulatorHost, string topic, bool createTopic = true) => Build(new()
    {
        ["PulsePoint:Destinations:Realtime"] = "PubSub",
        ["PulsePoint:Destinations:Warehouse"] = "None",
        ["PulsePoint:Destinations:PubSub:ProjectId"] = Project,
        ["PulsePoint:Destinations:PubSub:TopicId"] = topic,
        ["PulsePoint:Destinations:PubSub:EmulatorHost"] = emulatorHost,
        ["PulsePoint:Destinations:PubSub:CreateTopic"] = createTopic ? "true" : "false",
        ["PulsePoint:Destinations:PubSub:MaxRetryAttempts"] = "3",
        ["PulsePoint:Destinations:PubSub:InitialBackoff"] = "00:00:00.050",
        ["PulsePoint:Destinations:PubSub:AttemptTimeout"] = "00:00:05",
    });

    /// <summary>
    /// The emulator deploy/test.sh starts for the whole run. Missing is a failure, not a skip: the
    /// Pub/Sub adapter is tested against the real emulator or not at all.
    /// </summary>
    public static string SharedEmulatorHost() =>
        Environment.GetEnvironmentVariable(PubSubOptions.EmulatorHostVariable) is { Length: > 0 } host
            ? host
            : throw new InvalidOperationException(
                "PUBSUB_EMULATOR_HOST is not set: run the tests with deploy/test.sh (it starts the Pub/Sub emulator), " +
                "or run deploy/pubsub-emulator.sh start and export what deploy/pubsub-emulator.sh env prints.");

    public static IEventDestination Destination(this IServiceProvider services, string name) =>
        Assert.Single(services.GetServices<IEventDestination>(), d => d.Name == name);
}
