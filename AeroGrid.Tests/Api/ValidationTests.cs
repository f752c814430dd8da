using AeroGrid.Api.Resources;
using AeroGrid.Api.Validation;

namespace AeroGrid.Tests.Api;

public sealed class ValidationTests
{
    private static App AppWith(params AppFile[] files) =>
        new() { Metadata = new() { Name = "orders" }, Spec = new() { Files = [.. files] } };

    private static readonly AppFile Main = new() { Path = "app.py", Content = "print('hi')" };

    [Fact]
    public void A_minimal_app_is_valid() =>
        Assert.Empty(ResourceValidation.Validate(AppWith(Main), ValidationPolicy.Default));

    [Theory]
    [InlineData("Orders")]
    [InlineData("-orders")]
    [InlineData("orders_v2")]
    [InlineData("a-name-that-is-far-too-long-to-be-a-dns-label-because-it-exceeds-63")]
    [InlineData("9lives")]
    public void Names_must_be_dns_1035_labels_as_they_name_a_service(string name)
    {
        var errors = ResourceValidation.Validate(AppWith(Main) with { Metadata = new() { Name = name } }, ValidationPolicy.Default);
        Assert.Contains(errors, e => e.Field == "metadata.name");
    }

    [Fact]
    public void A_revision_of_an_app_with_the_longest_name_has_a_valid_name()
    {
        var app = new string('a', 63);
        var revision = new Revision
        {
            Metadata = new() { Name = Revision.NameOf(app, 12) },
            Spec = new() { App = app, Revision = 12, Files = [Main] },
        };
        Assert.Empty(ResourceValidation.Validate(revision, ValidationPolicy.Default));
    }

    [Theory]
    [InlineData("metadata.name")]
    [InlineData("spec.app")]
    [InlineData("spec.revision")]
    [InlineData("spec.entrypoint")]
    public void A_revision_breaking_a_rule_is_refused(string field)
    {
        var valid = new Revision { Metadata = new() { Name = "hello-1" }, Spec = new() { App = "hello", Revision = 1, Files = [Main] } };
        var broken = field switch
        {
            "metadata.name" => valid with { Metadata = new() { Name = "Hello_1" } },
            "spec.app" => valid with { Spec = valid.Spec with { App = "" } },
            "spec.revision" => valid with { Spec = valid.Spec with { Revision = 0 } },
            _ => valid with { Spec = valid.Spec with { Entrypoint = "main.py" } },
        };
        Assert.Empty(ResourceValidation.Validate(valid, ValidationPolicy.Default));
        Assert.Contains(ResourceValidation.Validate(broken, ValidationPolicy.Default), e => e.Field == field);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../secret.py")]
    [InlineData("lib/../../x.py")]
    [InlineData("lib//x.py")]
    [InlineData("C:\\x.py")]
    [InlineData("my app.py")]
    [InlineData("caf\u00e9.py")]
    [InlineData("lib/a+b.py")]
    public void File_paths_must_be_relative_inside_the_app_and_of_configmap_key_characters(string path)
    {
        var errors = ResourceValidation.Validate(AppWith(Main, new AppFile { Path = path }), ValidationPolicy.Default);
        Assert.Contains(errors, e => e.Field == "spec.files[1].path");
    }

    [Fact]
    public void Duplicate_paths_are_refused()
    {
        var errors = ResourceValidation.Validate(AppWith(Main, Main), ValidationPolicy.Default);
        Assert.Contains(errors, e => e.Reason == FieldErrorReasons.Duplicate);
    }

    [Fact]
    public void The_total_size_is_bounded_by_what_a_configmap_holds()
    {
        var big = new string('x', 400 * 1024);
        var errors = ResourceValidation.Validate(
            AppWith(Main, new() { Path = "a.txt", Content = big }, new() { Path = "b.txt", Content = big }, new() { Path = "c.txt", Content = big }),
            ValidationPolicy.Default);
        Assert.Contains(errors, e => e.Field == "spec.files" && e.Reason == FieldErrorReasons.TooLong);
    }

    [Fact]
    public void The_entrypoint_must_be_one_of_the_files()
    {
        var errors = ResourceValidation.Validate(AppWith(new AppFile { Path = "main.py" }), ValidationPolicy.Default);
        Assert.Contains(errors, e => e.Field == "spec.entrypoint");
    }

    [Theory]
    [InlineData("--index-url https://evil.example/simple")]
    [InlineData("-i https://evil.example/simple")]
    [InlineData("--extra-index-url=https://evil.example/simple")]
    [InlineData("-f /tmp/wheels")]
    [InlineData("requests @ https://evil.example/requests.whl")]
    [InlineData("https://evil.example/pkg.tar.gz")]
    [InlineData("./local-package")]
    [InlineData("-e git+https://github.com/x/y.git")]
    [InlineData("-r other.txt")]
    public void Requirements_may_not_redirect_the_index_or_install_from_urls_or_paths(string line)
    {
        var errors = ResourceValidation.Validate(AppWith(Main, new() { Path = "requirements.txt", Content = line }), ValidationPolicy.Default);
        Assert.Contains(errors, e => e.Field == "spec.files[1].content" && e.Reason == FieldErrorReasons.Forbidden);
    }

    [Fact]
    public void The_platform_configuration_can_allow_index_options_and_direct_references()
    {
        var policy = new ValidationPolicy { AllowIndexOptions = true, AllowDirectReferences = true };
        var requirements = "--index-url https://pypi.internal/simple\nrequests @ https://x.example/r.whl\n./local";
        Assert.Empty(ResourceValidation.Validate(AppWith(Main, new() { Path = "requirements.txt", Content = requirements }), policy));
    }

    [Fact]
    public void Ordinary_requirements_are_accepted()
    {
        var requirements = """
            # pinned
            requests==2.31.0
            numpy>=1.26,<2  # a comment
            uvicorn[standard]~=0.29 ; python_version >= "3.9"
            pandas \
              ==2.2.1
            --prefer-binary
            """;
        Assert.Empty(ResourceValidation.Validate(AppWith(Main, new() { Path = "requirements.txt", Content = requirements }), ValidationPolicy.Default));
    }

    [Theory]
    [InlineData("requests; rm -rf /", "'rm' is neither a marker variable")]
    [InlineData("requests; python_version >= 3.9", "'3.9' is neither a marker variable")]
    [InlineData("requests; python_version", "expected a comparison")]
    [InlineData("requests; (python_version >= \"3.9\"", "'(' is not closed")]
    [InlineData("requests; os_name == \"posix", "quoted string is not closed")]
    [InlineData("requests; os.name == \"posix\"", "'os.name' is neither a marker variable")]
    [InlineData("requests; python_version >= \"3.9\" and", "it ends where")]
    public void A_requirement_with_a_bad_environment_marker_is_refused_with_its_line(string line, string reason)
    {
        var errors = ResourceValidation.Validate(
            AppWith(Main, new() { Path = "requirements.txt", Content = "numpy\n" + line }), ValidationPolicy.Default);

        var error = Assert.Single(errors);
        Assert.Equal("spec.files[1].content", error.Field);
        Assert.Equal(FieldErrorReasons.Invalid, error.Reason);
        Assert.Contains("(line 2)", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pywin32; sys_platform == \"win32\"")]
    [InlineData("requests[socks]>=2.31; python_version >= '3.9' and (os_name == \"posix\" or platform_machine != \"arm64\")")]
    [InlineData("tomli; python_version < \"3.11\"")]
    [InlineData("pytest; extra == \"test\"")]
    [InlineData("colorama; 'win' in sys_platform")]
    [InlineData("uvloop; sys_platform not in \"win32 cygwin\" and implementation_name == \"cpython\"")]
    public void Valid_environment_markers_are_accepted(string line) =>
        Assert.Empty(ResourceValidation.Validate(AppWith(Main, new() { Path = "requirements.txt", Content = line }), ValidationPolicy.Default));

    private static App AppWithResources(AppResources resources) => AppWith(Main) with { Spec = AppWith(Main).Spec with { Resources = resources } };

    [Fact]
    public void A_cpu_that_is_not_a_quantity_is_refused_naming_its_field()
    {
        var errors = ResourceValidation.Validate(AppWithResources(new() { Requests = new() { Cpu = "lots" } }), ValidationPolicy.Default);

        var error = Assert.Single(errors);
        Assert.Equal("spec.resources.requests.cpu", error.Field);
        Assert.Equal(FieldErrorReasons.Invalid, error.Reason);
        Assert.Contains("'lots'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5.5")]
    [InlineData("512MB")]
    [InlineData("")]
    [InlineData("1 Gi")]
    [InlineData("1e100")]
    [InlineData("9223372036854775808")]
    public void A_memory_limit_that_is_not_a_non_negative_quantity_kubernetes_holds_is_refused(string memory) =>
        Assert.Equal("spec.resources.limits.memory",
            Assert.Single(ResourceValidation.Validate(AppWithResources(new() { Limits = new() { Memory = memory } }), ValidationPolicy.Default)).Field);

    [Theory]
    [InlineData("500m", "64Mi")]
    [InlineData("0.5", "128Mi")]
    [InlineData("2", "500M")]
    [InlineData(".25", "1e8")]
    [InlineData("1e-1", "0.5Gi")]
    public void Quantities_in_any_of_kubernetes_forms_are_accepted(string cpu, string memory) =>
        Assert.Empty(ResourceValidation.Validate(
            AppWithResources(new() { Requests = new() { Cpu = cpu, Memory = memory }, Limits = new() { Cpu = "4" } }), ValidationPolicy.Default));

    [Fact]
    public void A_request_above_its_limit_is_refused_also_when_the_limit_is_the_default()
    {
        var aboveDefault = ResourceValidation.Validate(AppWithResources(new() { Requests = new() { Memory = "1Gi" } }), ValidationPolicy.Default);
        var aboveOwn = ResourceValidation.Validate(AppWithResources(new() { Requests = new() { Cpu = "2" }, Limits = new() { Cpu = "1500m" } }), ValidationPolicy.Default);

        Assert.Equal("spec.resources.requests.memory", Assert.Single(aboveDefault).Field);
        Assert.Equal("spec.resources.requests.cpu", Assert.Single(aboveOwn).Field);
        Assert.Empty(ResourceValidation.Validate(AppWithResources(new() { Requests = new() { Memory = "1Gi" }, Limits = new() { Memory = "1Gi" } }), ValidationPolicy.Default));
    }
}
