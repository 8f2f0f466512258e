namespace PulsePoint.Operators;

/// <summary>
/// Outgoing filter of the silos and of operator tools: signs every call to an <see cref="IOperatorGrain"/> interface
/// (<see cref="OperatorSignature"/>). Registered where the <see cref="OperatorCallKey"/> can be read; a backend service's
/// client has neither.
/// </summary>
internal sealed class OperatorCallSigner(OperatorCallKey key, TimeProvider time) : IOutgoingGrainCallFilter
{
    // Every outgoing grain call passes here: one that is not an operator's goes straight on, without an async frame of its own.
    public Task Invoke(IOutgoingGrainCallContext context) =>
        OperatorCallFilter.IsOperatorCall(context) ? InvokeSignedAsync(context) : context.Invoke();

    private async Task InvokeSignedAsync(IOutgoingGrainCallContext context)
    {
        var marker = OperatorSignature.Sign(await key.GetAsync(), context.TargetId, context.InterfaceType, context.MethodName, time.GetUtcNow());
        RequestContext.Set(OperatorSignature.RequestContextKey, marker);
        try
        {
            await context.Invoke();
        }
        finally
        {
            // The marker names this call only; it has no business travelling on with the caller's later calls.
            RequestContext.Remove(OperatorSignature.RequestContextKey);
        }
    }
}
