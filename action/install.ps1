# Installs an infra-verify release on Windows after checking the archive against the SHA-256
# the release publishes beside it: the PowerShell twin of action/install.sh, published with
# every release as infra-verify-installer.ps1 (cargo-dist's own PowerShell installer does not
# check checksums, so the release ships this one instead).
#
#   powershell -ExecutionPolicy Bypass -c "irm https://github.com/infra-verify/infra-verify/releases/latest/download/infra-verify-installer.ps1 | iex"
#
# Environment:
#   INFRA_VERIFY_VERSION       the release (default: the latest)
#   INFRA_VERIFY_INSTALL_DIR   where infra-verify.exe goes (default: %LOCALAPPDATA%\infra-verify\bin,
#                              added to the user's PATH unless INFRA_VERIFY_NO_MODIFY_PATH=1)
#   INFRA_VERIFY_DOWNLOAD_URL  where the archives are (default: the GitHub release)
#
# Stops with an error, and installs nothing, when the download's SHA-256 differs from the
# published one or no checksum is published.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$repo = 'https://github.com/infra-verify/infra-verify'
$target = 'x86_64-pc-windows-msvc'
$archive = "infra-verify-$target.zip"

$arch = $env:PROCESSOR_ARCHITECTURE
if ($arch -ne 'AMD64') {
    throw "infra-verify: no Windows build for $arch (x86_64 only)"
}

if ($env:INFRA_VERIFY_DOWNLOAD_URL) {
    $base = $env:INFRA_VERIFY_DOWNLOAD_URL.TrimEnd('/')
} elseif ($env:INFRA_VERIFY_VERSION) {
    $base = "$repo/releases/download/v$($env:INFRA_VERIFY_VERSION.TrimStart('v'))"
} else {
    $base = "$repo/releases/latest/download"
}
if ($env:INFRA_VERIFY_INSTALL_DIR) {
    $dest = $env:INFRA_VERIFY_INSTALL_DIR
} else {
    $dest = Join-Path $env:LOCALAPPDATA 'infra-verify\bin'
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("infra-verify-" + [System.Guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $ProgressPreference = 'SilentlyContinue'
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
    $sumFile = Join-Path $work "$archive.sha256"
    Invoke-WebRequest -UseBasicParsing -Uri "$base/$archive.sha256" -OutFile $sumFile
    $want = ((Get-Content -Raw $sumFile).Trim() -split '\s+')[0].ToLowerInvariant()
    if ($want -notmatch '^[0-9a-f]{64}$') {
        throw "infra-verify: $archive.sha256 does not hold a SHA-256"
    }
    $zip = Join-Path $work $archive
    Write-Host "infra-verify: downloading $base/$archive"
    Invoke-WebRequest -UseBasicParsing -Uri "$base/$archive" -OutFile $zip
    $got = (Get-FileHash -Algorithm SHA256 -Path $zip).Hash.ToLowerInvariant()
    if ($got -ne $want) {
        throw "infra-verify: checksum mismatch for ${archive}: the release publishes $want, the download is $got; nothing installed"
    }
    $unpacked = Join-Path $work 'x'
    Expand-Archive -Path $zip -DestinationPath $unpacked
    $exe = Get-ChildItem -Path $unpacked -Recurse -Filter 'infra-verify.exe' | Select-Object -First 1
    if (-not $exe) {
        throw "infra-verify: $archive holds no infra-verify.exe"
    }
    New-Item -ItemType Directory -Force -Path $dest | Out-Null
    Copy-Item -Force -Path $exe.FullName -Destination (Join-Path $dest 'infra-verify.exe')
    $version = & (Join-Path $dest 'infra-verify.exe') --version
    Write-Host "infra-verify: installed $version at $dest"

    if ($env:INFRA_VERIFY_NO_MODIFY_PATH -ne '1') {
        $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
        if (-not $userPath) { $userPath = '' }
        if (($userPath -split ';') -notcontains $dest) {
            [Environment]::SetEnvironmentVariable('Path', ($dest + ';' + $userPath).TrimEnd(';'), 'User')
            Write-Host "infra-verify: added $dest to your PATH (open a new terminal)"
        }
    }
} finally {
    Remove-Item -Recurse -Force -Path $work -ErrorAction SilentlyContinue
}
