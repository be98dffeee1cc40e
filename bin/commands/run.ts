export const RUN_HELP = 'streamnorm run: (being written)';
