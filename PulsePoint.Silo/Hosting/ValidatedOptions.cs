using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Silo.Hosting;

/// <summary>Binds options that the host needs before the container exists, and validates them the same way
/// <c>ValidateDataAnnotations()</c> does, failing with one readable line.</summary>
public static class ValidatedOptions
{
    public static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationErrorException($"{section}: {e.Message}");
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ConfigurationErrorException(string.Join("; ", results.Select(r => r.ErrorMessage)));
        }

        return options;
    }
}
