using Microsoft.Extensions.AI;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// A model that answers at once with fixed usage, under Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c>: the
/// OpenTelemetry chat client around it makes real GenAI spans (semantic conventions as that library writes them).
/// </summary>
public sealed class FakeChatClient(UsageDetails usage, string responseModel) : IChatClient
{
    public static readonly ChatClientMetadata Metadata = new("fake-provider", new Uri("http://127.0.0.1:1/fake-model"), "gpt-4o");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "4"))
        {
            ModelId = responseModel,
            ResponseId = "resp-" + Guid.NewGuid().ToString("N")[..8],
            FinishReason = ChatFinishReason.Stop,
            Usage = usage,
        });

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The fake model does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
